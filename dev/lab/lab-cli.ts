// `npm run --silent lab -- up --guests <N> --dir <D>` / `down --dir <D>` / `down --all`.

import { parseArgs } from 'node:util';
import { LabError, labDown, labDownAll, labUp } from './lab.js';

const USAGE = `Usage: npm run --silent lab -- up --guests <N> --dir <D> [--project <name>] [--kind netns|qemu|libvirt] [--user-net <N>] [--static <N>] [--session]
       npm run --silent lab -- down --dir <D>
       npm run --silent lab -- down --all      (every lab still registered on this machine)

up prints one JSON document: { config, scenario, manifest, quickemu?, libvirt?, guests: [{ machine, netns, mac, ip, sshPort? }] }.
--kind netns (the default): each guest a network namespace with a real sshd.
--kind qemu: each guest a real QEMU VM (software emulation) in quickemu's layout under <D>/vms;
  --user-net N puts the last N on QEMU's user-mode network (qemu: SSH through a forward on 127.0.0.1; libvirt: <interface type='user'>).
--kind libvirt: each guest a real VM of a real libvirtd, which runs inside the lab's namespace
  (run the tray there: ip netns exec <libvirt.netns> …); --static N gives the last N fixed
  addresses (no DHCP lease: the guest agent reports them); --session puts the guests in
  qemu:///session of an unprivileged account the lab makes (run the tray as libvirt.user).
Root only: the lab makes network namespaces, a bridge, taps, a user and sshd or QEMU processes.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { guests: { type: 'string' }, dir: { type: 'string' }, project: { type: 'string' }, kind: { type: 'string' }, 'user-net': { type: 'string' }, static: { type: 'string' }, session: { type: 'boolean', default: false }, all: { type: 'boolean', default: false } } });
  } catch (err) {
    process.stderr.write(`lab: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals: [command] } = parsed;
  try {
    if (command === 'up' && v.dir && v.guests) {
      if (v.kind !== undefined && v.kind !== 'netns' && v.kind !== 'qemu' && v.kind !== 'libvirt') throw new LabError(`--kind must be netns, qemu or libvirt (got '${v.kind}').`);
      const summary = await labUp({ guests: Number(v.guests), dir: v.dir, project: v.project, kind: v.kind, ...(v['user-net'] !== undefined ? { userNet: Number(v['user-net']) } : {}), ...(v.static !== undefined ? { staticIp: Number(v.static) } : {}), ...(v.session ? { session: true } : {}) });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return 0;
    }
    if (command === 'down' && (v.dir || v.all)) {
      if (v.all) for (const dir of await labDownAll()) process.stderr.write(`removed the lab in ${dir}\n`);
      else await labDown(v.dir!);
      return 0;
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  } catch (err) {
    process.stderr.write(`lab: ${(err as Error).message}\n`);
    return err instanceof LabError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
