// Bringing a lab up and down. `up` builds the bridge, dnsmasq, and per guest a namespace, veth,
// DHCP lease, sshd and its own /etc/hosts (or, for `--kind qemu`, a real QEMU VM: lab-qemu.ts);
// `down` removes every process, link, namespace, user and file `up` made, and works on a
// half-built lab too.

import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expectedVmName } from '../../main/engine/config/load-project.js';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import { run, runQuietly } from './run-command.js';
import { LabError, type LabGuest, type LabRecord, type LabSummary, REGISTRY, paths, readRecord, saveRecord, summary } from './lab-record.js';
import { writeProjectFiles } from './lab-fixtures.js';
import { buildQemuGuests, removeQemuGuests } from './lab-qemu.js';
import { buildLibvirtGuests, handOverToSessionUser, libvirtLeases, removeLibvirtLab, waitForPortInNetns } from './lab-libvirt.js';
import { GUEST_PACKAGES } from './guest-image.js';

const BACKUP_MOUNTPOINT = '/etc/hosts.ragnatramp.bak';

const REQUIRED_TOOLS: Array<[string, string]> = [
  ['ip', 'iproute2'],
  ['sshd', 'openssh-server'],
  ['ssh-keygen', 'openssh-client'],
  ['dnsmasq', 'dnsmasq-base'],
  ['udhcpc', 'udhcpc'],
  ['sudo', 'sudo'],
  ['useradd', 'passwd'],
  ['nsenter', 'util-linux'],
];

// udhcpc calls this with the lease; it configures the address and nothing else (no resolv.conf,
// no hostname): the guests share this machine's filesystem.
const DHCP_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface" ;;
  bound|renew) ip -4 addr flush dev "$interface"; ip addr add "$ip/\${mask:-24}" dev "$interface" ;;
esac
`;

function assertRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new LabError('The lab needs root: it creates network namespaces, a bridge, a user and sshd processes. Run it as root (e.g. sudo npm run --silent lab -- up …).');
  }
}

const LIBVIRT_PACKAGES: Array<[string, string]> = [
  ['libvirtd', 'libvirt-daemon-driver-qemu'],
  ['virtlogd', 'libvirt-daemon'],
  ['virsh', 'libvirt-clients'],
  ['bash', 'bash'],
];

async function assertTools(kind: 'netns' | 'qemu' | 'libvirt'): Promise<void> {
  const missing: string[] = [];
  const vmTools: Array<[string, string]> = [...REQUIRED_TOOLS.filter(([t]) => ['ip', 'ssh-keygen', 'dnsmasq'].includes(t)), ...GUEST_PACKAGES];
  const tools = kind === 'qemu' ? vmTools : kind === 'libvirt' ? [...vmTools, ...LIBVIRT_PACKAGES] : REQUIRED_TOOLS;
  for (const [tool, pkg] of tools) {
    const found = await run('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).then(() => true, () => false);
    if (!found) missing.push(pkg);
  }
  if (missing.length > 0) throw new LabError(`The lab needs these Debian packages: ${[...new Set(missing)].join(' ')} (apt-get install -y --no-install-recommends …).`);
}

// sshd reads authorized_keys as the guest user, who must be able to walk down to the lab folder.
async function assertTraversable(dir: string): Promise<void> {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const mode = (await stat(d).catch(() => null))?.mode;
    if (mode !== undefined && (mode & 0o001) === 0) throw new LabError(`The lab's guest user cannot reach ${dir}: ${d} is not traversable by others (chmod o+x ${d}, or pick another --dir).`);
    if (d === path.dirname(d)) return;
  }
}

async function pickSubnet(seed: Buffer): Promise<string> {
  const routes = JSON.parse(await run('ip', ['-j', 'route', 'show', 'table', 'all'])) as Array<{ dst?: string }>;
  const addrs = JSON.parse(await run('ip', ['-j', 'addr'])) as Array<{ addr_info?: Array<{ local?: string }> }>;
  const used = [...routes.map((r) => r.dst ?? ''), ...addrs.flatMap((a) => (a.addr_info ?? []).map((i) => i.local ?? ''))];
  for (let i = 0; i < 256; i++) {
    const prefix = `10.${200 + ((seed[0]! + i) % 50)}.${(seed[1]! + i * 7) % 256}`;
    if (!used.some((u) => u.startsWith(`${prefix}.`))) return prefix;
  }
  throw new LabError('No free 10.200-249.x.0/24 subnet for the lab.');
}

export interface LabOptions {
  guests: number;
  dir: string;
  project?: string;
  owner?: string;
  /** 'netns' (the default): namespaces with sshd; 'qemu': real VMs in quickemu's layout; 'libvirt': real VMs under a real libvirtd. */
  kind?: 'netns' | 'qemu' | 'libvirt';
  /** QEMU only: how many of the guests (the last ones) use QEMU's user-mode network. */
  userNet?: number;
  /** libvirt only: how many of the guests (the last ones) get a fixed address instead of a DHCP lease. */
  staticIp?: number;
  /** libvirt only: the guests belong to qemu:///session of an unprivileged account the lab makes. */
  session?: boolean;
}

/** Brings up a lab of `guests` guests in `dir` (which must be new or empty). */
export async function labUp(options: LabOptions): Promise<LabSummary> {
  assertRoot();
  const kind = options.kind ?? 'netns';
  const vms = kind !== 'netns';
  const max = vms ? 16 : 64;
  if (!Number.isInteger(options.guests) || options.guests < 1 || options.guests > max) throw new LabError(`--guests must be a whole number from 1 to ${max}${vms ? ' for VMs' : ''}.`);
  const userNet = options.userNet ?? 0;
  const staticIp = options.staticIp ?? 0;
  if (kind !== 'qemu' && userNet > 0) throw new LabError('--user-net applies to --kind qemu only.');
  if (kind !== 'libvirt' && staticIp > 0) throw new LabError('--static applies to --kind libvirt only.');
  if (kind !== 'libvirt' && options.session) throw new LabError('--session applies to --kind libvirt only.');
  for (const [flag, n] of [['--user-net', userNet], ['--static', staticIp]] as const) {
    if (!Number.isInteger(n) || n < 0 || n > options.guests) throw new LabError(`${flag} must be a whole number from 0 to --guests (${options.guests}).`);
  }
  await assertTools(kind);
  const dir = path.resolve(options.dir);
  if (existsSync(dir) && (await readdir(dir)).length > 0) throw new LabError(`${dir} is not empty${existsSync(paths(dir).record) ? ': a lab is up there; run `lab down` first' : ''}.`);
  await assertTraversable(dir);
  const seed = randomBytes(2);
  const id = seed.toString('hex');
  const prefix = await pickSubnet(seed);
  const project = options.project ?? 'lab';
  const p = paths(dir);
  await mkdir(path.dirname(p.state), { recursive: true });
  await chmod(dir, 0o755);
  const record: LabRecord = {
    version: 1,
    kind,
    id,
    dir,
    project,
    ...(kind === 'libvirt' ? { hostNetns: `rtl${id}lv`, ...(options.session ? { session: true } : {}) } : {}),
    bridge: `rtl${id}br`,
    gateway: `${prefix}.1`,
    user: `rtl${id}`,
    createdBackupMountpoint: false,
    ...(options.owner ? { owner: options.owner } : {}),
    guests: Array.from({ length: options.guests }, (_, i) => {
      const n = i + 1;
      const machine = `guest${n}`;
      const network = n > options.guests - userNet ? ('user' as const) : ('bridge' as const);
      return {
        n,
        machine,
        ...(kind === 'qemu' ? { netns: '', veth: network === 'bridge' ? `rtl${id}t${n}` : '', network } : kind === 'libvirt' ? { netns: '', veth: options.session ? `rtl${id}t${n}` : '' } : { netns: `rtl${id}g${n}`, veth: `rtl${id}g${n}` }),
        ...(kind === 'libvirt' && n > options.guests - staticIp ? { staticIp: `${prefix}.${200 + n}` } : {}),
        mac: `52:54:00:${id.slice(0, 2)}:${id.slice(2, 4)}:${n.toString(16).padStart(2, '0')}`,
        ip: '',
        vmName: expectedVmName(project, machine, p.config),
        vmId: randomUUID(),
        dir: path.join(dir, 'guests', String(n)),
      };
    }),
  };
  // Written before anything is created, so that `down` can undo a half-built lab.
  await saveRecord(record);
  try {
    await buildLab(record);
  } catch (err) {
    await labDown(dir).catch(() => undefined);
    throw err;
  }
  return summary(record);
}

async function buildLab(record: LabRecord): Promise<void> {
  const p = paths(record.dir);
  if (record.kind === 'libvirt') {
    // libvirt's own dnsmasq serves the lab's network, inside the lab's namespace.
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ragnatramp-lab-${record.id}`, '-f', p.key]);
    await buildLibvirtGuests(record);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const leases = await libvirtLeases(record);
      for (const g of record.guests) g.ip = g.staticIp ?? leases.get(g.mac) ?? '';
      if (record.guests.every((g) => g.ip)) break;
      if (Date.now() > deadline) throw new LabError(`No DHCP lease from libvirt within 180 s for ${record.guests.filter((g) => !g.ip).map((g) => g.machine).join(', ')}.`);
      await sleep(300);
    }
    await saveRecord(record);
    await Promise.all(record.guests.map((g) => waitForPortInNetns(record, g.ip, 180_000)));
    await writeProjectFiles(record);
    if (record.session) await handOverToSessionUser(record);
    return;
  }
  if (record.kind === 'qemu') {
    // A QEMU guest's login is root, with the lab's key: no user on this machine.
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ragnatramp-lab-${record.id}`, '-f', p.key]);
    await startNetwork(record);
    await buildQemuGuests(record);
    await waitForLeases(record, 120_000);
    await saveRecord(record);
    await Promise.all(record.guests.map((g) => (g.network === 'user' ? waitForPort('127.0.0.1', g.sshPort!, 120_000) : waitForPort(g.ip, 22, 120_000))));
    await writeProjectFiles(record);
    return;
  }
  await run('useradd', ['--no-create-home', '--home-dir', p.home, '--shell', '/bin/sh', '--comment', 'ragnatramp lab guest user', record.user]);
  await run('usermod', ['--password', '*', record.user]); // no password, but not locked: key login works
  await mkdir(p.home, { recursive: true });
  const uid = Number((await run('id', ['-u', record.user])).trim());
  await chown(p.home, uid, uid);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ragnatramp-lab-${record.id}`, '-f', p.key]);
  await writeFile(p.authorizedKeys, await readFile(`${p.key}.pub`));
  await writeFile(p.dhcpScript, DHCP_SCRIPT, { mode: 0o755 });
  await startNetwork(record);

  await mkdir('/run/sshd', { recursive: true });
  if (!existsSync(BACKUP_MOUNTPOINT)) {
    await writeFile(BACKUP_MOUNTPOINT, '', { mode: 0o644 });
    record.createdBackupMountpoint = true;
    await saveRecord(record);
  }
  await Promise.all(record.guests.map((g) => buildGuest(record, g)));
  await waitForLeases(record);
  await saveRecord(record);
  await Promise.all(record.guests.map((g) => waitForPort(g.ip, 22)));
  await writeProjectFiles(record);
}

/** The lab's bridge and its dnsmasq (DHCP, and DNS for the names guests register). */
async function startNetwork(record: LabRecord): Promise<void> {
  const p = paths(record.dir);
  await writeFile(p.dhcpHosts, '');
  await run('ip', ['link', 'add', record.bridge, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `${record.gateway}/24`, 'dev', record.bridge]);
  await run('ip', ['link', 'set', record.bridge, 'up']);
  const prefix = record.gateway.slice(0, -2);
  record.dnsPort = await freeUdpPort(record.gateway);
  await saveRecord(record);
  await run('dnsmasq', [
    '--conf-file=/dev/null',
    // DNS only for the guests' DHCP names (seed 003's DNS tier), on the lab's bridge: no upstream
    // servers and no host files, so no query ever leaves the lab.
    `--port=${record.dnsPort}`,
    '--no-resolv',
    '--no-hosts',
    `--interface=${record.bridge}`,
    '--bind-interfaces',
    '--except-interface=lo',
    `--dhcp-range=${prefix}.10,${prefix}.250,255.255.255.0,1h`,
    `--dhcp-hostsfile=${p.dhcpHosts}`,
    `--dhcp-leasefile=${p.leases}`,
    `--pid-file=${p.dnsmasqPid}`,
    '--dhcp-authoritative',
    '--no-ping', // the lab owns the subnet; the in-use ping costs 3 s per new guest
    `--log-facility=${path.join(record.dir, 'dnsmasq.log')}`,
    '--log-dhcp',
  ]);
}

/** A UDP port free on the gateway's address now (dnsmasq takes it right after). */
function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

async function buildGuest(record: LabRecord, g: LabGuest): Promise<void> {
  const etc = `/etc/netns/${g.netns}`;
  await mkdir(path.join(etc, 'sudoers.d'), { recursive: true });
  await writeFile(path.join(etc, 'hosts'), ubuntuHostsFile(os.hostname()), { mode: 0o644 });
  await writeFile(path.join(etc, 'hosts.ragnatramp.bak'), '', { mode: 0o644 });
  // Each guest its own /etc/machine-id, as a freshly installed VM has (a clone test overwrites
  // it in place: the bind mount follows the file, not its name).
  await writeFile(path.join(etc, 'machine-id'), `${randomBytes(16).toString('hex')}\n`, { mode: 0o444 });
  await setSudoRule(record, g, 'nopasswd');
  await run('ip', ['netns', 'add', g.netns]);
  await run('ip', ['link', 'add', g.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', g.netns, 'address', g.mac]);
  await run('ip', ['link', 'set', g.veth, 'master', record.bridge, 'up']);
  await run('ip', ['-n', g.netns, 'link', 'set', 'lo', 'up']);
  await run('ip', ['-n', g.netns, 'link', 'set', 'eth0', 'up']);
  await mkdir(g.dir, { recursive: true });
  await run('ip', ['netns', 'exec', g.netns, 'udhcpc', '-i', 'eth0', '-s', paths(record.dir).dhcpScript, '-p', path.join(g.dir, 'udhcpc.pid'), '-B', '-b', '-t', '10', '-T', '1', '-A', '2', '-x', `hostname:${g.machine}`]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(g.dir, 'ssh_host_ed25519_key')]);
  await writeFile(
    path.join(g.dir, 'sshd_config'),
    [
      'ListenAddress 0.0.0.0:22',
      `HostKey ${path.join(g.dir, 'ssh_host_ed25519_key')}`,
      `PidFile ${path.join(g.dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${paths(record.dir).authorizedKeys}`,
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      `AllowUsers ${record.user}`,
      'PrintMotd no',
      'MaxStartups 200',
      'MaxSessions 64',
      '',
    ].join('\n'),
  );
  await startSshd(g);
}

export async function startSshd(g: LabGuest): Promise<void> {
  await run('ip', ['netns', 'exec', g.netns, '/usr/sbin/sshd', '-f', path.join(g.dir, 'sshd_config'), '-E', path.join(g.dir, 'sshd.log')]);
}

export async function setSudoRule(record: LabRecord, g: LabGuest, mode: 'nopasswd' | 'password'): Promise<void> {
  const file = `/etc/netns/${g.netns}/sudoers.d/${record.user}`;
  await writeFile(file, `${record.user} ALL=(ALL) ${mode === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL\n`);
  await chmod(file, 0o440);
}

async function waitForLeases(record: LabRecord, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leases = await readLeases(record);
    const leasing = record.guests.filter((g) => g.network !== 'user');
    for (const g of leasing) g.ip = leases.get(g.mac) ?? '';
    if (leasing.every((g) => g.ip)) return;
    if (Date.now() > deadline) throw new LabError(`No DHCP lease within ${timeoutMs / 1000} s for ${leasing.filter((g) => !g.ip).map((g) => g.machine).join(', ')}; see ${path.join(record.dir, 'dnsmasq.log')}.`);
    await sleep(100);
  }
}

export async function readLeases(record: LabRecord): Promise<Map<string, string>> {
  const text = await readFile(paths(record.dir).leases, 'utf8').catch(() => '');
  return new Map(text.split('\n').filter(Boolean).map((l) => l.split(' ')).map((f) => [f[1]!.toLowerCase(), f[2]!]));
}

export function waitForPort(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new LabError(`sshd at ${host}:${port} did not come up.`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Removes everything the lab in `dir` made. Safe to run twice and on a half-built lab. */
export async function labDown(dir: string): Promise<void> {
  assertRoot();
  const record = await readRecord(dir);
  if (record.kind === 'qemu') await removeQemuGuests(record);
  if (record.kind === 'libvirt') await removeLibvirtLab(record);
  for (const g of record.guests.filter((x) => x.netns)) {
    if (existsSync(`/run/netns/${g.netns}`)) {
      const pids = (await run('ip', ['netns', 'pids', g.netns]).catch(() => '')).split('\n').filter(Boolean);
      for (const pid of pids) await runQuietly('kill', ['-CONT', pid]); // a frozen sshd cannot die stopped
      for (const pid of pids) await runQuietly('kill', ['-KILL', pid]);
      await runQuietly('ip', ['netns', 'del', g.netns]);
    }
    await runQuietly('ip', ['link', 'del', g.veth]);
    await rm(`/etc/netns/${g.netns}`, { recursive: true, force: true });
  }
  const dnsmasqPid = await readFile(paths(record.dir).dnsmasqPid, 'utf8').catch(() => '');
  if (/^\d+\s*$/.test(dnsmasqPid) && (await readFile(`/proc/${dnsmasqPid.trim()}/cmdline`, 'utf8').catch(() => '')).includes(record.dir)) {
    await runQuietly('kill', ['-KILL', dnsmasqPid.trim()]);
  }
  await runQuietly('ip', ['link', 'del', record.bridge]);
  await runQuietly('pkill', ['-KILL', '-u', record.user]);
  await runQuietly('userdel', [record.user]);
  if (record.createdBackupMountpoint && !(await otherLabsUseBackupMountpoint(record))) await rm(BACKUP_MOUNTPOINT, { force: true });
  await rm(path.join(REGISTRY, `${record.id}.json`), { force: true });
  await rm(record.dir, { recursive: true, force: true });
}

async function otherLabsUseBackupMountpoint(record: LabRecord): Promise<boolean> {
  const others = (await readdir('/etc/netns').catch(() => [] as string[])).filter((ns) => !ns.startsWith(`rtl${record.id}g`));
  return others.some((ns) => existsSync(`/etc/netns/${ns}/hosts.ragnatramp.bak`));
}

/** Every lab still registered on this machine (a crashed test run's, say), or only one owner's. */
export async function labDownAll(owner?: string): Promise<string[]> {
  const entries = await readdir(REGISTRY).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const e of entries) {
    const { dir } = JSON.parse(await readFile(path.join(REGISTRY, e), 'utf8')) as { dir: string };
    if (!existsSync(paths(dir).record)) {
      await rm(path.join(REGISTRY, e), { force: true });
      continue;
    }
    if (owner && (await readRecord(dir)).owner !== owner) continue;
    await labDown(dir);
    removed.push(dir);
  }
  return removed;
}
