// A libvirt host's VMs watched as a project of their own, with no ragnatramp.yaml anywhere, by
// the command line as a script or the app's settings would run it: `--libvirt qemu:///system`
// with no --config (the login and the names from the tray's settings), and `status` with
// neither (the project the settings hold). A real libvirtd and real QEMU guests with leases from
// libvirt's dnsmasq (lab-libvirt.ts); the tray runs inside the lab's namespace, as a separate
// process. Every domain is a machine named as libvirt names it; the guests resolve each other
// by those names, their aliases and the domain. The VMs boot once for the file.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRoot, traversableTempDir, useLab } from '../test-support/lab-fixture.js';
import { inLabNetns } from './lab-libvirt.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(ROOT, 'main', 'cli', 'ragnatramp-tray.ts');
const KEY = 'libvirt:qemu:///system';

interface JsonVm {
  machineName: string;
  vmName: string;
  status: string;
  ipv4: string | null;
}

describe.skipIf(!isRoot)("a libvirt host's VMs watched with no ragnatramp.yaml", () => {
  const lab = useLab(2, { kind: 'libvirt' });
  const home = path.join(traversableTempDir(), 'tray');

  function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const argv = ['netns', 'exec', lab().record.hostNetns!, TSX, CLI, ...args, '--known-hosts', path.join(home, 'known_hosts.json')];
    return new Promise((resolve) => {
      execFile('ip', argv, { timeout: 120_000, env: { ...process.env, RAGNATRAMP_TRAY_HOME: home } }, (err, out, errText) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: errText }));
    });
  }
  const guestSsh = (ip: string, command: string) => inLabNetns(lab().record, 'ssh', ['-i', lab().paths.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${ip}`, command]);

  it('reconcile --libvirt syncs every domain\'s /etc/hosts with their names, aliases and domain; status reads the project from the settings alone', async () => {
    const p = lab().paths;
    rmSync(p.config);
    rmSync(path.dirname(p.state), { recursive: true });
    const [g1, g2] = lab().record.guests;
    // The settings as the app keeps them: the project, its login and its names.
    mkdirSync(home, { recursive: true });
    writeFileSync(
      path.join(home, 'settings.json'),
      JSON.stringify({
        projects: [KEY],
        watched: { [KEY]: { provider: 'libvirt', option: 'qemu:///system', name: 'lab-host', ssh: { user: 'root', privateKey: p.key } } },
        names: { [KEY]: { domain: 'demo.internal', aliases: { [g1!.vmName]: ['web'], [g2!.vmName]: ['db'] } } },
      }),
    );

    const r = await cli(['reconcile', '--libvirt', 'qemu:///system', '--json', '--wait', '0']);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out) as { hostsSyncResults: Array<{ machineName: string; success: boolean; skipped: boolean }>; hostsBlock: string };
    expect(result.hostsSyncResults.map((s) => [s.machineName, s.success, s.skipped])).toEqual([
      [g1!.vmName, true, false],
      [g2!.vmName, true, false],
    ]);
    const block = `${g1!.ip} ${g1!.vmName} ${g1!.vmName}.demo.internal web\n${g2!.ip} ${g2!.vmName} ${g2!.vmName}.demo.internal db\n`;
    expect(result.hostsBlock).toContain(block);
    for (const g of [g1!, g2!]) expect(await guestSsh(g.ip, 'cat /etc/hosts')).toContain(`# Managed by ragnatramp - do not edit this block\n${block}# END RAGNATRAMP\n`);
    for (const name of ['db', `${g2!.vmName}.demo.internal`, g2!.vmName]) await expect(guestSsh(g1!.ip, `ping -c 1 -W 5 ${name} >/dev/null && echo ok`), name).resolves.toBe('ok\n');
    await expect(guestSsh(g2!.ip, 'ping -c 1 -W 5 web >/dev/null && echo ok')).resolves.toBe('ok\n');

    // No --config and no provider: the settings' project, its libvirt host and its recorded addresses.
    const s = await cli(['status', '--json']);
    expect(s.code, s.err).toBe(0);
    const project = (JSON.parse(s.out) as { projects: Array<{ project: string; configPath: string; vms: JsonVm[] }> }).projects[0]!;
    expect(project).toMatchObject({ project: 'lab-host', configPath: KEY });
    expect(project.vms.map((v) => [v.machineName, v.status, v.ipv4])).toEqual([
      [g1!.vmName, 'running', g1!.ip],
      [g2!.vmName, 'running', g2!.ip],
    ]);
    const [folder] = readdirSync(path.join(home, 'projects'));
    expect(folder).toMatch(/^lab-host-[0-9a-f]{8}$/);
    const state = JSON.parse(readFileSync(path.join(home, 'projects', folder!, 'state.json'), 'utf8')) as { vms: Record<string, { id: string; network: { ipv4: string } }> };
    expect(state.vms[g1!.vmName]).toMatchObject({ id: g1!.vmId, network: { ipv4: g1!.ip } });
    expect(existsSync(p.config) || existsSync(path.dirname(p.state))).toBe(false);
  }, 240_000);
});
