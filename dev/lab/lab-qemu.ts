// The lab's QEMU guests (`--kind qemu`): real VMs under software emulation (TCG: a KVM guest
// hangs on this machine), started as quickemu 4.9.9 starts them (quickemu-project/quickemu,
// `quickemu` at 4.9.9; line numbers below are that file's): from the folder of the .conf files,
// with paths relative to it, `vms/<vm>.conf` (no ssh_port: quickget writes none) and in
// `vms/<vm>/` the disk, `<vm>.pid` (QEMU's -pidfile), `<vm>.ports` ("ssh,<port>"), `<vm>.log`
// (QEMU's own output), and the sockets: monitor, serial console and guest agent. Where this
// differs from quickemu it says so: the kernel and initrd are passed as quickemu passes a
// .conf's extra_args, and a bridged NIC is the lab's own tap, where quickemu asks
// qemu-bridge-helper for one (which needs an allow line in /etc/qemu/bridge.conf).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import { guestImage, guestOverlay } from './guest-image.js';
import { LabError, paths, type LabGuest, type LabRecord } from './lab-record.js';
import { run, runQuietly } from './run-command.js';

export const quickemuPaths = (record: LabRecord, g: LabGuest) => {
  const folder = path.join(record.dir, 'vms');
  const dir = path.join(folder, g.vmName);
  const inDir = (file: string) => path.join(dir, file);
  return {
    folder,
    conf: path.join(folder, `${g.vmName}.conf`),
    dir,
    disk: inDir('disk.qcow2'),
    pid: inDir(`${g.vmName}.pid`),
    ports: inDir(`${g.vmName}.ports`),
    log: inDir(`${g.vmName}.log`),
    initrd: inDir('initrd.img'),
    monitor: inDir(`${g.vmName}-monitor.socket`),
    serial: inDir(`${g.vmName}-serial.socket`),
    agent: inDir(`${g.vmName}-agent.sock`),
  };
};

// QEMU's default MAC for a NIC given none (net/net.c, qemu_macaddr_default_if_unset): quickemu's
// user-mode NIC has no mac= (quickemu:1918).
const QEMU_DEFAULT_MAC = '52:54:00:12:34:56';

/** quickemu's get_port (quickemu:248-260): the first port from `start` on that nothing accepts on 127.0.0.1. */
async function getPort(start: number, range: number): Promise<number> {
  for (let port = start; port <= start + range; port++) {
    const taken = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.setTimeout(100, () => (s.destroy(), resolve(true)));
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (!taken) return port;
  }
  throw new LabError(`All ssh ports from ${start} to ${start + range} are taken (quickemu would say "All ssh ports have been exhausted").`);
}

export async function buildQemuGuests(record: LabRecord): Promise<void> {
  const image = await guestImage();
  const key = await readFile(`${paths(record.dir).key}.pub`, 'utf8');
  const base = await readFile(image.initrd);
  for (const g of record.guests) {
    const q = quickemuPaths(record, g);
    await mkdir(q.dir, { recursive: true });
    if (g.network === 'user') g.mac = QEMU_DEFAULT_MAC;
    await writeFile(q.initrd, Buffer.concat([base, guestOverlay({ authorizedKey: key, machineId: randomBytes(16).toString('hex'), hosts: ubuntuHostsFile(g.machine) })]));
    // As quickget writes a .conf: no ssh_port, so quickemu picks one at each start.
    const conf = ['#!/usr/bin/quickemu --vm', 'guest_os="linux"', `disk_img="${g.vmName}/disk.qcow2"`, 'ram="192M"', ...(g.network === 'bridge' ? [`network="${record.bridge}"`, `macaddr="${g.mac}"`] : [])];
    await writeFile(q.conf, `${conf.join('\n')}\n`);
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', q.disk, '64M']);
    if (g.network === 'bridge') {
      await run('ip', ['tuntap', 'add', 'dev', g.veth, 'mode', 'tap']);
      await run('ip', ['link', 'set', g.veth, 'master', record.bridge, 'up']);
    }
    await startQemu(record, g, image.kernel);
  }
}

/** QEMU's arguments as quickemu 4.9.9 builds them for a Linux guest with `--display none`, paths relative to the .conf's folder. */
export function quickemuArgs(vm: string, nic: { kind: 'user'; sshPort: number } | { kind: 'bridge'; tap: string; mac: string }, boot: { kernel: string; initrd: string; append: string }): string[] {
  const net =
    nic.kind === 'user'
      ? ['-device', 'virtio-net-pci,netdev=nic', '-netdev', `user,hostname=${vm},hostfwd=tcp::${nic.sshPort}-:22,id=nic`] // :1675, :1435, :1918
      : ['-nic', `tap,ifname=${nic.tap},script=no,downscript=no,model=virtio-net-pci,mac=${nic.mac}`]; // quickemu: -nic bridge,br=…,model=…,mac=… (:1914)
  return [
    '-name', `${vm},process=${vm},debug-threads=on`, // :1695 (Linux hosts)
    '-accel', 'tcg,thread=multi', // :1715 (no VT-x/SVM, or DMI says a VM: :504-575)
    '-machine', 'pc,smm=off,vmport=off',
    '-m', '192M',
    '-pidfile', `${vm}/${vm}.pid`, // :1745
    '-display', 'none',
    // The guest agent's channel when the display is none, spice or spice-app (:1767-1772).
    '-device', 'virtio-serial-pci',
    '-chardev', `socket,id=agent0,path=${vm}/${vm}-agent.sock,server=on,wait=off`,
    '-device', 'virtserialport,chardev=agent0,name=org.qemu.guest_agent.0',
    ...net,
    '-device', 'virtio-blk-pci,drive=SystemDisk', // :2030
    '-drive', `id=SystemDisk,if=none,format=qcow2,file=${vm}/disk.qcow2`,
    '-monitor', `unix:${vm}/${vm}-monitor.socket,server,nowait`, // :2101
    '-serial', `unix:${vm}/${vm}-serial.socket,server,nowait`, // :2130, the default for Linux guests (:2831)
    // A .conf's extra_args come last (:1776-1779): the lab's kernel and initrd.
    '-kernel', boot.kernel,
    '-initrd', boot.initrd,
    '-append', boot.append,
  ];
}

export async function startQemu(record: LabRecord, g: LabGuest, kernel?: string): Promise<void> {
  const q = quickemuPaths(record, g);
  // A pid file whose QEMU is gone is removed first (quickemu:2847-2857), so the new one is awaited.
  if ((await livePid(record, g)) === null) await rm(q.pid, { force: true });
  // configure_ports (:1423-1436): .ports emptied, then the ssh port picked from 22220-22229.
  await writeFile(q.ports, '');
  const nic = g.network === 'bridge' ? ({ kind: 'bridge', tap: g.veth, mac: g.mac } as const) : ({ kind: 'user', sshPort: (g.sshPort = await getPort(22220, 9)) } as const);
  if (nic.kind === 'user') await writeFile(q.ports, `ssh,${nic.sshPort}\n`);
  const args = quickemuArgs(g.vmName, nic, { kernel: kernel ?? (await guestImage()).kernel, initrd: path.relative(q.folder, q.initrd), append: `quiet panic=-1 rt.hostname=${g.machine}` });
  // `${QEMU} "${args[@]}" &> "${VMDIR}/${VMNAME}.log" &` (:2157), from the .conf's folder (:2844).
  const log = openSync(q.log, 'w');
  try {
    const child = spawn('qemu-system-x86_64', args, { cwd: q.folder, detached: true, stdio: ['ignore', log, log] });
    child.unref();
  } finally {
    closeSync(log);
  }
  for (let i = 0; i < 200; i++) {
    if (await readFile(q.pid, 'utf8').then((t) => /^\d+\s*$/.test(t), () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new LabError(`QEMU for ${g.machine} wrote no pid file ${q.pid}: see ${q.log}.`);
}

/** The pid of this guest's QEMU, if it is alive: the process given this guest's pid file. */
async function livePid(record: LabRecord, g: LabGuest): Promise<number | null> {
  const q = quickemuPaths(record, g);
  const pid = Number((await readFile(q.pid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  return argv.includes(`${g.vmName}/${g.vmName}.pid`) ? pid : null;
}

/** Stops a guest's QEMU as `quickemu --kill` does (kill -9, then the pid file removed: :163-176), and waits until it is gone. */
export async function killQemu(record: LabRecord, g: LabGuest): Promise<void> {
  const pid = await livePid(record, g);
  if (pid !== null) {
    await runQuietly('kill', ['-KILL', String(pid)]);
    for (let i = 0; i < 100 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').then((t) => t !== '', () => false)); i++) await new Promise((r) => setTimeout(r, 50));
  }
  await rm(quickemuPaths(record, g).pid, { force: true });
}

export async function removeQemuGuests(record: LabRecord): Promise<void> {
  await Promise.all(record.guests.map((g) => killQemu(record, g)));
  for (const g of record.guests) if (g.network === 'bridge' && g.veth) await runQuietly('ip', ['link', 'del', g.veth]);
}
