// What the lab knows about itself: the record of a lab (its guests, subnet, files) kept in its
// folder and in a registry under /run, and the paths of its files.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class LabError extends Error {}

export interface LabGuest {
  n: number;
  machine: string;
  /** The guest's namespace ('' for a QEMU guest, whose network is its VM's own). */
  netns: string;
  /** The host end of its link: a veth, or a QEMU guest's tap ('' on the user-mode network). */
  veth: string;
  /** A QEMU guest's network: on the lab's bridge, or QEMU's user-mode network behind a forward. */
  network?: 'bridge' | 'user';
  /** A QEMU guest's SSH port forward on 127.0.0.1 (quickemu writes one for every VM). */
  sshPort?: number;
  /** A libvirt guest's fixed address (no DHCP lease: the agent tier finds it). */
  staticIp?: string;
  /** Colon-separated, lower case, as `ip link` prints it. */
  mac: string;
  ip: string;
  vmName: string;
  vmId: string;
  dir: string;
}

export interface LabRecord {
  version: 1;
  /** 'netns' (namespaces with sshd; the default), 'qemu' (real VMs in quickemu's layout) or 'libvirt'. */
  kind?: 'netns' | 'qemu' | 'libvirt';
  /** A libvirt lab's namespace, where libvirtd, its bridge and the guests' network live. */
  hostNetns?: string;
  /** A libvirt lab whose guests belong to qemu:///session of the unprivileged account `user`. */
  session?: boolean;
  /** /dev/net/tun's mode before a session lab opened it to everyone (restored by `down`). */
  tunMode?: number;
  /** Groups and users `up` created (libvirt's), as `group:<name>` / `user:<name>`, for `down`. */
  createdAccounts?: string[];
  /** Whether `up` created /run/libvirt (libvirtd's runtime folder). */
  createdRunLibvirt?: boolean;
  id: string;
  dir: string;
  project: string;
  bridge: string;
  gateway: string;
  /** dnsmasq's DNS port on the gateway: it answers the names guests register by DHCP, nothing else. */
  dnsPort?: number;
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
  /** A QEMU lab's quickemu folder (--quickemu). */
  quickemu?: string;
  /** A libvirt lab's URI (--libvirt), the namespace to run the tray in (ip netns exec) and, for qemu:///session, the account to run it as. */
  libvirt?: { uri: string; netns: string; user?: string };
  guests: Array<{ machine: string; netns: string; mac: string; ip: string; sshPort?: number }>;
}

export const REGISTRY = '/run/ragnatramp-lab';

export const paths = (dir: string) => ({
  record: path.join(dir, 'lab.json'),
  key: path.join(dir, 'id_ed25519'),
  authorizedKeys: path.join(dir, 'authorized_keys'),
  config: path.join(dir, 'ragnatramp.yaml'),
  state: path.join(dir, '.ragnatramp', 'state.json'),
  scenario: path.join(dir, 'scenario.yaml'),
  manifest: path.join(dir, 'manifest.json'),
  quickemu: path.join(dir, 'vms'),
  leases: path.join(dir, 'dnsmasq.leases'),
  dhcpHosts: path.join(dir, 'dhcp-hosts'),
  dnsmasqPid: path.join(dir, 'dnsmasq.pid'),
  dhcpScript: path.join(dir, 'udhcpc-script'),
  home: path.join(dir, 'home'),
});

export async function saveRecord(record: LabRecord): Promise<void> {
  await writeFile(paths(record.dir).record, `${JSON.stringify(record, null, 2)}\n`);
  await mkdir(REGISTRY, { recursive: true });
  await writeFile(path.join(REGISTRY, `${record.id}.json`), JSON.stringify({ dir: record.dir }));
}

export function summary(record: LabRecord): LabSummary {
  const p = paths(record.dir);
  return {
    config: p.config,
    scenario: p.scenario,
    manifest: p.manifest,
    ...(record.kind === 'qemu' ? { quickemu: p.quickemu } : {}),
    ...(record.kind === 'libvirt' ? { libvirt: record.session ? { uri: 'qemu:///session', netns: record.hostNetns!, user: record.user } : { uri: 'qemu:///system', netns: record.hostNetns! } } : {}),
    guests: record.guests.map((g) => ({ machine: g.machine, netns: g.netns, mac: g.mac, ip: g.ip, ...(g.sshPort ? { sshPort: g.sshPort } : {}) })),
  };
}

export async function readRecord(dir: string): Promise<LabRecord> {
  try {
    return JSON.parse(await readFile(paths(path.resolve(dir)).record, 'utf8')) as LabRecord;
  } catch {
    throw new LabError(`No lab in ${dir} (no lab.json).`);
  }
}
