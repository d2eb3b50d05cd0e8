// What the lab knows about itself: the record of a lab (its guests, subnet, files) kept in its
// folder and in a registry under /run, and the paths of its files.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
  guests: Array<{ machine: string; netns: string; mac: string; ip: string }>;
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
  return { config: p.config, scenario: p.scenario, manifest: p.manifest, guests: record.guests.map((g) => ({ machine: g.machine, netns: g.netns, mac: g.mac, ip: g.ip })) };
}

export async function readRecord(dir: string): Promise<LabRecord> {
  try {
    return JSON.parse(await readFile(paths(path.resolve(dir)).record, 'utf8')) as LabRecord;
  } catch {
    throw new LabError(`No lab in ${dir} (no lab.json).`);
  }
}
