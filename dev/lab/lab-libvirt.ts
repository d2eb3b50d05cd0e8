// The lab's libvirt guests (`--kind libvirt`): a real libvirtd, started without systemd inside a
// network namespace of the lab's own (so its bridge, its dnsmasq and the VMs' taps never touch
// this machine's networks), defining one network on the lab's subnet (forward mode 'open': no
// firewall rules) and one persistent domain per guest (type 'qemu': software emulation), booted
// from the lab's guest image with the QEMU guest agent's channel. `--static N` gives the last N
// guests fixed addresses instead of DHCP leases, so only the agent (or ARP) can find them;
// `--user-net N` puts the last N on `<interface type='user'>` (QEMU's SLIRP: the guest leases
// 10.0.2.15, docs/formatdomain.rst:4787-4790, which its agent reports). The network's name holds
// spaces, as a user's may (libvirt forbids only '/', conf/network_conf.c:1640); its bridge's
// cannot (Linux interface names have none).
// `--session` defines the guests in qemu:///session of an unprivileged account the lab makes (a
// developer's own libvirtd, started by virsh on first use), each on a tap that account owns on
// the network's bridge; the system libvirtd then only serves the network.
// Whatever talks to the guests runs inside the namespace too (`ip netns exec`).

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import { guestImage, guestOverlay } from './guest-image.js';
import { LabError, paths, saveRecord, type LabGuest, type LabRecord } from './lab-record.js';
import { run, runQuietly } from './run-command.js';

export const LIBVIRT_URI = 'qemu:///system';
export const SESSION_URI = 'qemu:///session';

/** The lab's libvirt network: its bridge's name, then words. */
export const networkName = (record: LabRecord) => `${record.bridge} lab net`;

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

/** virsh on the lab's libvirtd (its socket is a file: any namespace reaches it). */
export const virsh = (args: string[]) => run('virsh', ['-c', LIBVIRT_URI, '-q', ...args], { timeoutMs: 60_000 });

/** Runs a command inside the lab's namespace, where the guests' network is. */
export const inLabNetns = (record: LabRecord, command: string, args: string[], timeoutMs = 30_000, cwd?: string) => run('ip', ['netns', 'exec', record.hostNetns!, command, ...args], { timeoutMs, cwd });

/**
 * A session lab account's home. Short, outside the lab's folder: libvirt puts the guest agent's
 * socket under it (~/.config/libvirt/qemu/channel/target/domain-N-<name>/…), and a UNIX socket's
 * path may not exceed 107 bytes.
 */
export const sessionHome = (record: LabRecord) => `/tmp/rtl${record.id}-home`;

/**
 * Runs a command as a session lab's account inside the lab's namespace, with only the variables
 * given, in its home (a working folder the account cannot enter fails every process it spawns).
 */
export function asSessionUser(record: LabRecord, command: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<string> {
  const vars = { HOME: sessionHome(record), PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env };
  return inLabNetns(record, 'runuser', ['-u', record.user, '--', 'env', '-i', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), command, ...args], timeoutMs, vars.HOME);
}

/** virsh on the daemon the lab's guests belong to. */
const guestVirsh = (record: LabRecord, args: string[]) => (record.session ? asSessionUser(record, 'virsh', ['-c', SESSION_URI, '-q', ...args]) : virsh(args));

const accountId = async (record: LabRecord) => Number((await run('id', ['-u', record.user])).trim());

// libvirtd (without its Debian packaging's postinst, which needs systemd) runs QEMU as
// libvirt-qemu:libvirt-qemu and wants the kvm group (the issue's recipe).
const ACCOUNTS: Array<['group' | 'user', string]> = [
  ['group', 'kvm'],
  ['group', 'libvirt-qemu'],
  ['user', 'libvirt-qemu'],
];

async function ensureAccounts(record: LabRecord): Promise<void> {
  record.createdAccounts = [];
  for (const [kind, name] of ACCOUNTS) {
    const exists = await run('getent', [kind === 'group' ? 'group' : 'passwd', name]).then(() => true, () => false);
    if (exists) continue;
    if (kind === 'group') await run('groupadd', ['--system', name]);
    else await run('useradd', ['--system', '--gid', 'libvirt-qemu', '--groups', 'kvm', '--home-dir', '/var/lib/libvirt', '--shell', '/usr/sbin/nologin', name]);
    record.createdAccounts.push(`${kind}:${name}`);
    await saveRecord(record);
  }
}

/**
 * Whether a live libvirtd runs here. A daemon a lab's `down` killed stays a zombie until this
 * machine's init reaps it, which can be after the next `up` (pgrep lists zombies too).
 */
async function libvirtdRuns(): Promise<boolean> {
  const pids = (await run('pgrep', ['-x', 'libvirtd']).catch(() => '')).split('\n').filter(Boolean);
  const states = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').then((s) => s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3), () => 'gone')));
  return states.some((state) => state !== 'Z' && state !== 'gone');
}

async function startDaemons(record: LabRecord): Promise<void> {
  if (await libvirtdRuns()) throw new LabError('libvirtd already runs on this machine: the libvirt lab starts its own, inside a namespace. Stop it (or the other libvirt lab: lab down) first.');
  record.createdRunLibvirt = !existsSync('/run/libvirt');
  await saveRecord(record);
  for (const dir of ['/var/log/libvirt/qemu', '/var/lib/libvirt/qemu', '/var/lib/libvirt/dnsmasq']) await mkdir(dir, { recursive: true });
  await inLabNetns(record, 'virtlogd', ['-d']);
  await inLabNetns(record, 'libvirtd', ['-d']);
  const deadline = Date.now() + 30_000;
  while (!(await virsh(['list', '--all']).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new LabError('libvirtd did not answer within 30 s; see /var/log/libvirt/ and run `libvirtd --verbose` by hand.');
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Debian's udev rules give /dev/net/tun mode 0666, so that an unprivileged QEMU can open the tap
// made for it; a container may keep it 0600. A session lab opens it as Debian does, and `down`
// puts the old mode back.
async function makeSessionAccount(record: LabRecord): Promise<number> {
  const home = sessionHome(record);
  await run('useradd', ['--no-create-home', '--home-dir', home, '--shell', '/bin/sh', '--comment', 'ragnatramp lab libvirt session user', record.user]);
  await mkdir(home, { recursive: true, mode: 0o755 });
  const uid = await accountId(record);
  await chown(home, uid, uid);
  const mode = (await stat('/dev/net/tun')).mode & 0o777;
  if ((mode & 0o666) !== 0o666) {
    record.tunMode = mode;
    await saveRecord(record);
    await chmod('/dev/net/tun', mode | 0o666);
  }
  return uid;
}

/** A session lab's project belongs to its account, as a developer's own project would: the key and state.json. */
export async function handOverToSessionUser(record: LabRecord): Promise<void> {
  const uid = await accountId(record);
  const p = paths(record.dir);
  for (const file of [p.key, `${p.key}.pub`, path.dirname(p.state), p.state]) await chown(file, uid, uid);
}

function networkXml(record: LabRecord): string {
  const prefix = record.gateway.slice(0, -2);
  return `<network>
  <name>${xml(networkName(record))}</name>
  <forward mode='open'/>
  <bridge name='${xml(record.bridge)}'/>
  <ip address='${record.gateway}' netmask='255.255.255.0'>
    <dhcp><range start='${prefix}.10' end='${prefix}.199'/></dhcp>
  </ip>
</network>
`;
}

// ACPI on, as virt-install defines x86 domains: without <acpi/> libvirt starts QEMU with ACPI off
// (formatdomain.rst, "Hypervisor features"), and a guest then cannot power itself off.
function domainXml(record: LabRecord, g: LabGuest, kernel: string): string {
  const cmdline = [`console=ttyS0 quiet panic=-1 rt.hostname=${g.machine}`, ...(g.staticIp ? [`rt.ip=${g.staticIp}/24`] : [])].join(' ');
  return `<domain type='qemu'>
  <name>${xml(g.vmName)}</name>
  <uuid>${g.vmId}</uuid>
  <memory unit='MiB'>192</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${xml(kernel)}</kernel>
    <initrd>${xml(path.join(g.dir, 'initrd.img'))}</initrd>
    <cmdline>${xml(cmdline)}</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    ${g.network === 'user' ? `<interface type='user'>` : record.session ? `<interface type='ethernet'>\n      <target dev='${xml(g.veth)}' managed='no'/>` : `<interface type='network'>\n      <source network='${xml(networkName(record))}'/>`}
      <mac address='${g.mac}'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'><source path='${xml(path.join(g.dir, 'console.log'))}'/><target port='0'/></serial>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
  </devices>
</domain>
`;
}

export async function buildLibvirtGuests(record: LabRecord): Promise<void> {
  await ensureAccounts(record);
  const uid = record.session ? await makeSessionAccount(record) : null;
  await run('ip', ['netns', 'add', record.hostNetns!]);
  await run('ip', ['-n', record.hostNetns!, 'link', 'set', 'lo', 'up']);
  await startDaemons(record);
  const netFile = path.join(record.dir, 'network.xml');
  await writeFile(netFile, networkXml(record));
  await virsh(['net-create', netFile]);
  const image = await guestImage();
  const key = await readFile(`${paths(record.dir).key}.pub`, 'utf8');
  const base = await readFile(image.initrd);
  for (const g of record.guests) {
    await mkdir(g.dir, { recursive: true, mode: 0o755 });
    await writeFile(path.join(g.dir, 'initrd.img'), Buffer.concat([base, guestOverlay({ authorizedKey: key, machineId: randomBytes(16).toString('hex'), hosts: ubuntuHostsFile(g.machine) })]), { mode: 0o644 });
    if (uid !== null) {
      await chown(g.dir, uid, uid); // the session's QEMU writes the console log there
      if (g.network !== 'user') {
        await inLabNetns(record, 'ip', ['tuntap', 'add', 'dev', g.veth, 'mode', 'tap', 'user', record.user]);
        await inLabNetns(record, 'ip', ['link', 'set', g.veth, 'master', record.bridge, 'up']);
      }
    }
    const file = path.join(g.dir, 'domain.xml');
    await writeFile(file, domainXml(record, g, image.kernel));
    await guestVirsh(record, ['define', file]);
    await guestVirsh(record, ['start', '--domain', g.vmId]);
  }
}

/** The leased guests' addresses, from libvirt's own view of its network. */
export async function libvirtLeases(record: LabRecord): Promise<Map<string, string>> {
  const text = await virsh(['net-dhcp-leases', '--network', networkName(record)]).catch(() => '');
  return new Map(text.split('\n').flatMap((l) => {
    const m = /\s([0-9a-f:]{17})\s+ipv4\s+(\d+\.\d+\.\d+\.\d+)\//i.exec(l);
    return m ? [[m[1]!.toLowerCase(), m[2]!] as [string, string]] : [];
  }));
}

/** Waits until port 22 answers at `ip` inside the lab's namespace (bash's /dev/tcp: no extra tool). */
export async function waitForPortInNetns(record: LabRecord, ip: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await inLabNetns(record, 'bash', ['-c', `exec 3<>/dev/tcp/${ip}/22`], 5_000).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new LabError(`sshd at ${ip}:22 (in ${record.hostNetns}) did not come up.`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function removeLibvirtLab(record: LabRecord): Promise<void> {
  if (existsSync(`/run/netns/${record.hostNetns}`)) {
    for (const g of record.guests) {
      await guestVirsh(record, ['destroy', '--domain', g.vmId]).catch(() => undefined);
      await guestVirsh(record, ['undefine', '--domain', g.vmId]).catch(() => undefined);
    }
    await virsh(['net-destroy', '--network', networkName(record)]).catch(() => undefined);
    // libvirtd, virtlogd, dnsmasq and any QEMU left: everything in the namespace.
    const pids = (await run('ip', ['netns', 'pids', record.hostNetns!]).catch(() => '')).split('\n').filter(Boolean);
    for (const pid of pids) await runQuietly('kill', ['-TERM', pid]);
    for (let i = 0; i < 50 && (await run('ip', ['netns', 'pids', record.hostNetns!]).catch(() => '')).trim(); i++) await new Promise((r) => setTimeout(r, 100));
    for (const pid of (await run('ip', ['netns', 'pids', record.hostNetns!]).catch(() => '')).split('\n').filter(Boolean)) await runQuietly('kill', ['-KILL', pid]);
    await runQuietly('ip', ['netns', 'del', record.hostNetns!]);
  }
  if (record.createdRunLibvirt) await rm('/run/libvirt', { recursive: true, force: true });
  if (record.tunMode !== undefined) await chmod('/dev/net/tun', record.tunMode);
  if (record.session) await rm(sessionHome(record), { recursive: true, force: true });
  for (const account of [...(record.createdAccounts ?? [])].reverse()) {
    const [kind, name] = account.split(':') as ['group' | 'user', string];
    await runQuietly(kind === 'user' ? 'userdel' : 'groupdel', [name]);
  }
}
