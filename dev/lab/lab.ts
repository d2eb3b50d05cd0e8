// A lab of real Linux guests on this machine, for proving the engine against real SSH, real
// DHCP and real /etc/hosts files. A guest is a network namespace with a veth on the lab's
// bridge, an IPv4 leased by dnsmasq to a udhcpc client, a real OpenSSH sshd, and its own
// /etc/hosts (`ip netns exec` bind-mounts /etc/netns/NAME/hosts over /etc/hosts, as containers
// do). Lab addresses live on the lab's bridge and in its namespaces only. `down` removes every
// process, link, namespace, user and file `up` made, and works on a half-built lab too.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { expectedVmName } from '../../main/engine/config/load-project.js';
import { ubuntuHostsFile } from '../../main/engine/hosts/ubuntu-hosts.js';
import type { Scenario } from '../../main/engine/simulator/scenario.js';
import type { LinuxManifest } from '../../main/engine/providers/linux/manifest.js';
import { run, runQuietly } from './run-command.js';

export class LabError extends Error {}

export interface LabGuest {
  n: number;
  machine: string;
  netns: string;
  veth: string;
  /** Colon-separated, lower case, as `ip link` prints it. */
  mac: string;
  ip: string;
  vmName: string;
  vmId: string;
  dir: string;
}

export interface LabRecord {
  version: 1;
  id: string;
  dir: string;
  project: string;
  bridge: string;
  gateway: string;
  user: string;
  /** Whether `up` created the empty /etc/hosts.ragnatramp.bak that guests' backups mount over. */
  createdBackupMountpoint: boolean;
  /** Addresses guests gave up: not handed out again, as the host's neighbour table remembers them. */
  retiredIps?: string[];
  /** Who made it (a test run tags its labs, so that its clean-up removes only those). */
  owner?: string;
  guests: LabGuest[];
}

export interface LabSummary {
  config: string;
  scenario: string;
  manifest: string;
  guests: Array<{ machine: string; netns: string; mac: string; ip: string }>;
}

const REGISTRY = '/run/ragnatramp-lab';
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

export const paths = (dir: string) => ({
  record: path.join(dir, 'lab.json'),
  key: path.join(dir, 'id_ed25519'),
  authorizedKeys: path.join(dir, 'authorized_keys'),
  config: path.join(dir, 'ragnatramp.yaml'),
  state: path.join(dir, '.ragnatramp', 'state.json'),
  scenario: path.join(dir, 'scenario.yaml'),
  manifest: path.join(dir, 'manifest.json'),
  leases: path.join(dir, 'dnsmasq.leases'),
  dhcpHosts: path.join(dir, 'dhcp-hosts'),
  dnsmasqPid: path.join(dir, 'dnsmasq.pid'),
  dhcpScript: path.join(dir, 'udhcpc-script'),
  home: path.join(dir, 'home'),
});

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

async function assertTools(): Promise<void> {
  const missing: string[] = [];
  for (const [tool, pkg] of REQUIRED_TOOLS) {
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

/** Brings up a lab of `guests` guests in `dir` (which must be new or empty). */
export async function labUp(options: { guests: number; dir: string; project?: string; owner?: string }): Promise<LabSummary> {
  assertRoot();
  if (!Number.isInteger(options.guests) || options.guests < 1 || options.guests > 64) throw new LabError('--guests must be a whole number from 1 to 64.');
  await assertTools();
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
    id,
    dir,
    project,
    bridge: `rtl${id}br`,
    gateway: `${prefix}.1`,
    user: `rtl${id}`,
    createdBackupMountpoint: false,
    ...(options.owner ? { owner: options.owner } : {}),
    guests: Array.from({ length: options.guests }, (_, i) => {
      const n = i + 1;
      const machine = `guest${n}`;
      return {
        n,
        machine,
        netns: `rtl${id}g${n}`,
        veth: `rtl${id}g${n}`,
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

async function saveRecord(record: LabRecord): Promise<void> {
  await writeFile(paths(record.dir).record, `${JSON.stringify(record, null, 2)}\n`);
  await mkdir(REGISTRY, { recursive: true });
  await writeFile(path.join(REGISTRY, `${record.id}.json`), JSON.stringify({ dir: record.dir }));
}

async function buildLab(record: LabRecord): Promise<void> {
  const p = paths(record.dir);
  await run('useradd', ['--no-create-home', '--home-dir', p.home, '--shell', '/bin/sh', '--comment', 'ragnatramp lab guest user', record.user]);
  await run('usermod', ['--password', '*', record.user]); // no password, but not locked: key login works
  await mkdir(p.home, { recursive: true });
  const uid = Number((await run('id', ['-u', record.user])).trim());
  await chown(p.home, uid, uid);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `ragnatramp-lab-${record.id}`, '-f', p.key]);
  await writeFile(p.authorizedKeys, await readFile(`${p.key}.pub`));
  await writeFile(p.dhcpScript, DHCP_SCRIPT, { mode: 0o755 });
  await writeFile(p.dhcpHosts, '');

  await run('ip', ['link', 'add', record.bridge, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `${record.gateway}/24`, 'dev', record.bridge]);
  await run('ip', ['link', 'set', record.bridge, 'up']);
  const prefix = record.gateway.slice(0, -2);
  await run('dnsmasq', [
    '--conf-file=/dev/null',
    '--port=0',
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

async function buildGuest(record: LabRecord, g: LabGuest): Promise<void> {
  const etc = `/etc/netns/${g.netns}`;
  await mkdir(path.join(etc, 'sudoers.d'), { recursive: true });
  await writeFile(path.join(etc, 'hosts'), ubuntuHostsFile(os.hostname()), { mode: 0o644 });
  await writeFile(path.join(etc, 'hosts.ragnatramp.bak'), '', { mode: 0o644 });
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

async function startSshd(g: LabGuest): Promise<void> {
  await run('ip', ['netns', 'exec', g.netns, '/usr/sbin/sshd', '-f', path.join(g.dir, 'sshd_config'), '-E', path.join(g.dir, 'sshd.log')]);
}

async function setSudoRule(record: LabRecord, g: LabGuest, mode: 'nopasswd' | 'password'): Promise<void> {
  const file = `/etc/netns/${g.netns}/sudoers.d/${record.user}`;
  await writeFile(file, `${record.user} ALL=(ALL) ${mode === 'nopasswd' ? 'NOPASSWD: ' : ''}ALL\n`);
  await chmod(file, 0o440);
}

async function waitForLeases(record: LabRecord, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leases = await readLeases(record);
    for (const g of record.guests) g.ip = leases.get(g.mac) ?? '';
    if (record.guests.every((g) => g.ip)) return;
    if (Date.now() > deadline) throw new LabError(`No DHCP lease within ${timeoutMs / 1000} s for ${record.guests.filter((g) => !g.ip).map((g) => g.machine).join(', ')}; see ${path.join(record.dir, 'dnsmasq.log')}.`);
    await sleep(100);
  }
}

async function readLeases(record: LabRecord): Promise<Map<string, string>> {
  const text = await readFile(paths(record.dir).leases, 'utf8').catch(() => '');
  return new Map(text.split('\n').filter(Boolean).map((l) => l.split(' ')).map((f) => [f[1]!.toLowerCase(), f[2]!]));
}

function waitForPort(host: string, port: number, timeoutMs = 15_000): Promise<void> {
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ids and names guests carry in state.json, the scenario and the manifest. */
async function writeProjectFiles(record: LabRecord): Promise<void> {
  const p = paths(record.dir);
  await writeFile(
    p.config,
    stringify({
      project: { name: record.project },
      defaults: { base_image: 'C:/Hyper-V/images/lab.vhdx', ssh: { user: record.user, private_key: './id_ed25519' } },
      machines: record.guests.map((g) => ({ name: g.machine })),
    }),
  );
  const now = new Date().toISOString();
  const state = {
    version: 1,
    configHash: createHash('sha256').update(await readFile(p.config)).digest('hex').slice(0, 8),
    configPath: p.config,
    project: record.project,
    createdAt: now,
    updatedAt: now,
    vms: Object.fromEntries(record.guests.map((g) => [g.machine, { id: g.vmId, name: g.vmName, machineName: g.machine, diskPath: path.join(g.dir, 'disk.vhdx'), createdAt: now, checkpoints: [] }])),
  };
  await writeFile(p.state, JSON.stringify(state, null, 2));
  await writeScenario(record, labScenario(record));
  const manifest: LinuxManifest = {
    version: 1,
    vms: record.guests.map((g) => ({ name: g.vmName, id: g.vmId, mac: g.mac, bridge: record.bridge, netns: g.netns })),
    leaseFiles: [{ path: p.leases, format: 'dnsmasq' }],
  };
  await writeFile(p.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A Hyper-V view of the lab: the guests' real MACs and IPs, KVP OK, SSH to the real guests. */
export function labScenario(record: LabRecord): Scenario {
  return {
    network: 'real',
    vms: record.guests.map((g) => ({
      name: g.vmName,
      id: g.vmId,
      state: 'Running' as const,
      kvp: 'OK' as const,
      adapters: [{ mac: g.mac.replace(/:/g, '').toUpperCase(), ipAddresses: [g.ip] }],
    })),
  };
}

export async function writeScenario(record: LabRecord, scenario: Scenario): Promise<void> {
  await writeFile(paths(record.dir).scenario, stringify(scenario));
}

function summary(record: LabRecord): LabSummary {
  const p = paths(record.dir);
  return { config: p.config, scenario: p.scenario, manifest: p.manifest, guests: record.guests.map((g) => ({ machine: g.machine, netns: g.netns, mac: g.mac, ip: g.ip })) };
}

export async function readRecord(dir: string): Promise<LabRecord> {
  try {
    return JSON.parse(await readFile(paths(path.resolve(dir)).record, 'utf8')) as LabRecord;
  } catch {
    throw new LabError(`No lab in ${dir} (no lab.json).`);
  }
}

/** Removes everything the lab in `dir` made. Safe to run twice and on a half-built lab. */
export async function labDown(dir: string): Promise<void> {
  assertRoot();
  const record = await readRecord(dir);
  for (const g of record.guests) {
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

/** What tests do to a running lab: break a guest in a real way, or change its address by DHCP. */
export class LabControl {
  constructor(public record: LabRecord) {}

  static async open(dir: string): Promise<LabControl> {
    return new LabControl(await readRecord(dir));
  }

  get paths() {
    return paths(this.record.dir);
  }

  guest(machine: string): LabGuest {
    const g = this.record.guests.find((x) => x.machine === machine);
    if (!g) throw new LabError(`No guest ${machine} in this lab.`);
    return g;
  }

  hostsPath(machine: string): string {
    return `/etc/netns/${this.guest(machine).netns}/hosts`;
  }

  readHosts(machine: string): Promise<string> {
    return readFile(this.hostsPath(machine), 'latin1');
  }

  writeHosts(machine: string, content: string): Promise<void> {
    return writeFile(this.hostsPath(machine), content, 'latin1');
  }

  readBackup(machine: string): Promise<string> {
    return readFile(`/etc/netns/${this.guest(machine).netns}/hosts.ragnatramp.bak`, 'latin1');
  }

  /** Runs a command inside the guest, seeing the guest's own /etc/hosts. */
  exec(machine: string, args: string[]): Promise<string> {
    return run('ip', ['netns', 'exec', this.guest(machine).netns, ...args]);
  }

  private async sshdPid(machine: string): Promise<number> {
    return Number((await readFile(path.join(this.guest(machine).dir, 'sshd.pid'), 'utf8')).trim());
  }

  async stopSshd(machine: string): Promise<void> {
    const pid = await this.sshdPid(machine);
    await runQuietly('kill', ['-TERM', String(pid)]);
    for (let i = 0; i < 50 && existsSync(`/proc/${pid}`) && !(await isZombie(pid)); i++) await sleep(20);
  }

  async startSshd(machine: string): Promise<void> {
    await startSshd(this.guest(machine));
    await waitForPort(this.guest(machine).ip, 22);
  }

  async freezeSshd(machine: string): Promise<void> {
    await run('kill', ['-STOP', String(await this.sshdPid(machine))]);
  }

  async thawSshd(machine: string): Promise<void> {
    await run('kill', ['-CONT', String(await this.sshdPid(machine))]);
  }

  /** A rebuilt VM: new host key, same address. */
  async replaceHostKey(machine: string): Promise<void> {
    const g = this.guest(machine);
    const key = path.join(g.dir, 'ssh_host_ed25519_key');
    await this.stopSshd(machine);
    await rm(key, { force: true });
    await rm(`${key}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    await this.startSshd(machine);
  }

  setSudo(machine: string, mode: 'nopasswd' | 'password'): Promise<void> {
    return setSudoRule(this.record, this.guest(machine), mode);
  }

  /** Remounts the guest's /etc/hosts read-only inside the guest (its sshd's mount namespace). */
  async setHostsReadOnly(machine: string, readOnly: boolean): Promise<void> {
    await run('nsenter', [`--mount=/proc/${await this.sshdPid(machine)}/ns/mnt`, 'mount', '-o', `remount,bind,${readOnly ? 'ro' : 'rw'}`, '/etc/hosts']);
  }

  /**
   * Pins a new address for the guest in dnsmasq, then has its DHCP client release and renew.
   * `onRenew` runs just before the renewal: the moment the address starts to change.
   */
  async changeIp(machine: string, onRenew?: () => void): Promise<string> {
    const g = this.guest(machine);
    const prefix = this.record.gateway.slice(0, -2);
    const taken = new Set([...this.record.guests.map((x) => x.ip), ...(this.record.retiredIps ?? [])]);
    let ip = '';
    for (let host = 251; host > 10 && !ip; host--) if (!taken.has(`${prefix}.${host}`)) ip = `${prefix}.${host}`;
    const pinned = (await readFile(this.paths.dhcpHosts, 'utf8')).split('\n').filter((l) => l && !l.startsWith(`${g.mac},`));
    await writeFile(this.paths.dhcpHosts, `${[...pinned, `${g.mac},${ip}`].join('\n')}\n`);
    await run('kill', ['-HUP', (await readFile(this.paths.dnsmasqPid, 'utf8')).trim()]);
    const udhcpc = (await readFile(path.join(g.dir, 'udhcpc.pid'), 'utf8')).trim();
    await run('kill', ['-USR2', udhcpc]); // release
    await sleep(200);
    onRenew?.();
    await run('kill', ['-USR1', udhcpc]); // renew: DISCOVER, dnsmasq offers the pinned address
    const deadline = Date.now() + 20_000;
    while (!(await this.exec(machine, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])).includes(` ${ip}/`)) {
      if (Date.now() > deadline) throw new LabError(`${machine} did not take its new address ${ip}.`);
      await sleep(100);
    }
    while ((await readLeases(this.record)).get(g.mac) !== ip) {
      if (Date.now() > deadline) throw new LabError(`dnsmasq did not record ${machine}'s new lease.`);
      await sleep(100);
    }
    await waitForPort(ip, 22); // answers at its new address (and the host's neighbour table learns it)
    this.record.retiredIps = [...(this.record.retiredIps ?? []), g.ip];
    g.ip = ip;
    await saveRecord(this.record);
    await writeScenario(this.record, labScenario(this.record));
    return ip;
  }
}

async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || / Z /.test(stat);
}
