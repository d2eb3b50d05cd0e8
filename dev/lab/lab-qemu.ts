// The lab's QEMU guests (`--kind qemu`): real VMs under software emulation (TCG: a KVM guest
// hangs on this machine), laid out as quickemu lays out its VMs (seed 002): `vms/<vm>.conf`, and
// in `vms/<vm>/` the `<vm>.pid`, `<vm>.ports` ("ssh,<port>") and `<vm>.log` (the serial console)
// files. Bridged guests sit on the lab's bridge through a tap and lease from its dnsmasq;
// user-mode ones are reached through an SSH port forward on 127.0.0.1 only. Each has a QEMU
// guest agent channel at `<vm>-agent.socket`.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import { guestImage, guestOverlay } from './guest-image.js';
import { paths, type LabGuest, type LabRecord } from './lab-record.js';
import { run, runQuietly } from './run-command.js';

export const quickemuPaths = (record: LabRecord, g: LabGuest) => {
  const folder = path.join(record.dir, 'vms');
  const dir = path.join(folder, g.vmName);
  return { folder, conf: path.join(folder, `${g.vmName}.conf`), dir, pid: path.join(dir, `${g.vmName}.pid`), ports: path.join(dir, `${g.vmName}.ports`), log: path.join(dir, `${g.vmName}.log`), initrd: path.join(dir, 'initrd.img'), monitor: path.join(dir, `${g.vmName}-monitor.socket`), agent: path.join(dir, `${g.vmName}-agent.socket`) };
};

/** A TCP port free on loopback now (QEMU's forward takes it right after). */
function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function buildQemuGuests(record: LabRecord): Promise<void> {
  const image = await guestImage();
  const key = await readFile(`${paths(record.dir).key}.pub`, 'utf8');
  const base = await readFile(image.initrd);
  for (const g of record.guests) {
    const q = quickemuPaths(record, g);
    await mkdir(q.dir, { recursive: true });
    g.sshPort = await freeTcpPort();
    await writeFile(q.initrd, Buffer.concat([base, guestOverlay({ authorizedKey: key, machineId: randomBytes(16).toString('hex'), hosts: ubuntuHostsFile(g.machine) })]));
    const conf = ['#!/usr/bin/quickemu --vm', 'guest_os="linux"', `disk_img="${g.vmName}/disk.qcow2"`, 'ram="192M"', `ssh_port="${g.sshPort}"`, ...(g.network === 'bridge' ? [`network="${record.bridge}"`, `macaddr="${g.mac}"`] : [])];
    await writeFile(q.conf, `${conf.join('\n')}\n`);
    await writeFile(q.ports, `ssh,${g.sshPort}\n`);
    if (g.network === 'bridge') {
      await run('ip', ['tuntap', 'add', 'dev', g.veth, 'mode', 'tap']);
      await run('ip', ['link', 'set', g.veth, 'master', record.bridge, 'up']);
    }
    await startQemu(record, g, image.kernel);
  }
}

export async function startQemu(record: LabRecord, g: LabGuest, kernel?: string): Promise<void> {
  const q = quickemuPaths(record, g);
  const nic = g.network === 'bridge' ? ['-netdev', `tap,id=nic,ifname=${g.veth},script=no,downscript=no`] : ['-netdev', `user,id=nic,hostname=${g.machine},hostfwd=tcp:127.0.0.1:${g.sshPort}-:22`];
  await run('qemu-system-x86_64', [
    '-name', g.vmName,
    '-accel', 'tcg',
    '-m', '192',
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    '-kernel', kernel ?? (await guestImage()).kernel,
    '-initrd', q.initrd,
    '-append', `console=ttyS0 quiet panic=-1 rt.hostname=${g.machine}`,
    '-serial', `file:${q.log}`,
    ...nic,
    '-device', `virtio-net-pci,netdev=nic,mac=${g.mac}`,
    '-monitor', `unix:${q.monitor},server=on,wait=off`,
    // The QEMU guest agent's channel (quickemu adds none; the Proxmox tests ask the agent here).
    '-device', 'virtio-serial-pci',
    '-chardev', `socket,id=qga0,path=${q.agent},server=on,wait=off`,
    '-device', 'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0',
    '-pidfile', q.pid,
    '-daemonize',
  ]);
}

/** Stops a guest's QEMU as `quickemu --kill` does, and waits until it is gone. */
export async function killQemu(record: LabRecord, g: LabGuest): Promise<void> {
  const q = quickemuPaths(record, g);
  const pid = Number((await readFile(q.pid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (!(await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).includes('qemu')) return;
  await runQuietly('kill', ['-KILL', String(pid)]);
  for (let i = 0; i < 100 && (await readFile(`/proc/${pid}/comm`, 'utf8').then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
  await rm(q.pid, { force: true });
}

export async function removeQemuGuests(record: LabRecord): Promise<void> {
  await Promise.all(record.guests.map((g) => killQemu(record, g)));
  for (const g of record.guests) if (g.network === 'bridge' && g.veth) await runQuietly('ip', ['link', 'del', g.veth]);
}
