// Bringing a lab up and down: `up` checks the options and tools, picks a subnet, writes the
// record first and then builds the kind asked for (netns guests: lab-netns.ts; QEMU VMs:
// lab-qemu.ts; libvirt: lab-libvirt.ts; their network: lab-bridge.ts) and the project files;
// `down` removes every process, link, namespace, user and file `up` made, and works on a
// half-built lab too.

import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { expectedVmName } from '../../main/engine/config/load-project.js';
import { run, runQuietly } from './run-command.js';
import { sleep, startNetwork, waitForLeases, waitForPort } from './lab-bridge.js';
import { buildNetnsGuests, removeNetnsGuests } from './lab-netns.js';
import { LabError, type LabRecord, type LabSummary, REGISTRY, paths, readRecord, saveRecord, summary } from './lab-record.js';
import { writeProjectFiles } from './lab-fixtures.js';
import { buildQemuGuests, removeQemuGuests } from './lab-qemu.js';
import { buildLibvirtGuests, handOverToSessionUser, libvirtLeases, removeLibvirtLab, waitForPortInNetns } from './lab-libvirt.js';
import { GUEST_PACKAGES } from './guest-image.js';

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
  if (kind !== 'qemu' && kind !== 'libvirt' && userNet > 0) throw new LabError('--user-net applies to --kind qemu and libvirt only.');
  if (kind !== 'libvirt' && staticIp > 0) throw new LabError('--static applies to --kind libvirt only.');
  if (kind !== 'libvirt' && options.session) throw new LabError('--session applies to --kind libvirt only.');
  for (const [flag, n] of [['--user-net', userNet], ['--static', staticIp]] as const) {
    if (!Number.isInteger(n) || n < 0 || n > options.guests) throw new LabError(`${flag} must be a whole number from 0 to --guests (${options.guests}).`);
  }
  if (userNet + staticIp > options.guests) throw new LabError(`--user-net and --static together must not exceed --guests (${options.guests}).`);
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
        ...(kind === 'qemu' ? { netns: '', veth: network === 'bridge' ? `rtl${id}t${n}` : '', network } : kind === 'libvirt' ? { netns: '', veth: options.session ? `rtl${id}t${n}` : '', ...(network === 'user' ? { network } : {}) } : { netns: `rtl${id}g${n}`, veth: `rtl${id}g${n}` }),
        // libvirt: the user-mode guests last, the fixed-address ones just before them.
        ...(kind === 'libvirt' && network === 'bridge' && n > options.guests - userNet - staticIp ? { staticIp: `${prefix}.${200 + n}` } : {}),
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
      // A user-mode guest has no address the lab's network reaches: SLIRP's own, inside its QEMU.
      const onNetwork = record.guests.filter((g) => g.network !== 'user');
      for (const g of onNetwork) g.ip = g.staticIp ?? leases.get(g.mac) ?? '';
      if (onNetwork.every((g) => g.ip)) break;
      if (Date.now() > deadline) throw new LabError(`No DHCP lease from libvirt within 180 s for ${onNetwork.filter((g) => !g.ip).map((g) => g.machine).join(', ')}.`);
      await sleep(300);
    }
    await saveRecord(record);
    await Promise.all(record.guests.filter((g) => g.network !== 'user').map((g) => waitForPortInNetns(record, g.ip, 180_000)));
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
  await buildNetnsGuests(record);
}

/** Removes everything the lab in `dir` made. Safe to run twice and on a half-built lab. */
export async function labDown(dir: string): Promise<void> {
  assertRoot();
  const record = await readRecord(dir);
  if (record.kind === 'qemu') await removeQemuGuests(record);
  if (record.kind === 'libvirt') await removeLibvirtLab(record);
  await removeNetnsGuests(record);
  const dnsmasqPid = await readFile(paths(record.dir).dnsmasqPid, 'utf8').catch(() => '');
  if (/^\d+\s*$/.test(dnsmasqPid) && (await readFile(`/proc/${dnsmasqPid.trim()}/cmdline`, 'utf8').catch(() => '')).includes(record.dir)) {
    await runQuietly('kill', ['-KILL', dnsmasqPid.trim()]);
  }
  await runQuietly('ip', ['link', 'del', record.bridge]);
  await runQuietly('pkill', ['-KILL', '-u', record.user]); // a netns lab's guest user, a session lab's account
  await runQuietly('userdel', [record.user]);
  await rm(path.join(REGISTRY, `${record.id}.json`), { force: true });
  await rm(record.dir, { recursive: true, force: true });
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
