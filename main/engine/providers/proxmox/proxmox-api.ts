// What the Proxmox VE API answers, read (upstream files cited beside each reading): the cluster's
// guests from /cluster/resources?type=vm, a VM's interfaces from its QEMU guest agent
// (/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces, the agent's own JSON under
// data.result), a container's from /nodes/{node}/lxc/{vmid}/interfaces, a guest's own MACs from
// its config, and the release from /version. Pure: JSON in.

import { parseGuestNetworkInterfaces, type GuestInterface } from '../../discovery/guest-interfaces.js';
import { isIpv4, normalizeMac } from '../../discovery/net-address.js';
import type { Power } from '../../discovery/observation.js';

export interface ProxmoxGuest {
  type: 'qemu' | 'lxc';
  vmid: number;
  /** null for a guest on a node offline over 5 minutes: the cluster no longer knows its name. */
  name: string | null;
  node: string;
  /** 'running', 'stopped', or for a VM its finer qmpstatus ('paused', 'suspended') where given. */
  status: string;
  /** Seconds since its process started (a new boot starts it again); null where not given. */
  uptime: number | null;
  /** What /cluster/resources shows of its config (name, memory, CPUs, disk, tags, lock): a change here is a change to its config. */
  shape: string;
  /** Its pool, where the token may see it (Pool.Audit), and its tags: pve-manager PVE/API2/Cluster.pm:562-600. */
  pool?: string;
  tags?: string[];
}

export type { GuestInterface };

const object = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/**
 * `data` of /cluster/resources?type=vm; templates are no guests to look for. A guest whose node
 * has been offline over 5 minutes comes as `{id, vmid, node, type, status: "unknown"}`, no name
 * and no template flag (pve-manager PVE/API2Tools.pm:81-119: name and template come from the
 * node's RRD entry, which pmxcfs drops after 5 minutes, pve-cluster src/pmxcfs/status.c).
 */
export function parseResources(body: unknown): ProxmoxGuest[] {
  const data = object(body)['data'];
  if (!Array.isArray(data)) return [];
  return data.flatMap((raw) => {
    const r = object(raw);
    const type = r['type'];
    const vmid = Number(r['vmid']);
    if ((type !== 'qemu' && type !== 'lxc') || !Number.isInteger(vmid) || r['template'] === 1 || typeof r['node'] !== 'string') return [];
    const qmp = typeof r['qmpstatus'] === 'string' ? r['qmpstatus'] : null;
    const uptime = typeof r['uptime'] === 'number' && Number.isFinite(r['uptime']) ? r['uptime'] : null;
    // The entry's fields that come from the guest's config (qemu-server src/PVE/QemuServer.pm:2560-2596:
    // maxdisk, cpus, name, maxmem, lock, tags; pve-manager PVE/API2/Cluster.pm:555-590 adds lock and tags).
    const shape = JSON.stringify(['name', 'maxmem', 'maxcpu', 'maxdisk', 'tags', 'lock'].map((k) => r[k] ?? null));
    // tags is the guest config's string, a pve-tag-list: tags split on ';', ',' or spaces.
    const tags = typeof r['tags'] === 'string' ? r['tags'].split(/[;, ]+/).filter(Boolean) : [];
    const pool = typeof r['pool'] === 'string' ? { pool: r['pool'] } : {};
    return [{ type, vmid, name: typeof r['name'] === 'string' ? r['name'] : null, node: r['node'], status: qmp ?? String(r['status'] ?? 'unknown'), uptime, shape, ...pool, ...(tags.length > 0 ? { tags } : {}) }];
  });
}

/**
 * A guest's own MACs, from its config's `netN` entries: a VM's `virtio=BC:24:11:..,bridge=vmbr0`
 * (the model's value is the MAC, qemu-server src/PVE/QemuServer/Network.pm:207-221, or
 * `macaddr=`), a container's `name=eth0,hwaddr=BC:24:11:..,…` (pve-container
 * src/PVE/LXC/Config.pm:873). GET …/config needs only VM.Audit (qemu-server
 * src/PVE/API2/Qemu.pm:1788-1794; pve-container src/PVE/API2/LXC/Config.pm:25-32).
 */
export function parseConfigMacs(body: unknown): string[] {
  const data = object(object(body)['data']);
  return Object.keys(data)
    .filter((k) => /^net\d+$/.test(k))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
    .flatMap((k) => String(data[k]).split(',').map((part) => normalizeMac(part.split('=')[1] ?? '')).filter((m): m is string => !!m && m !== '000000000000').slice(0, 1));
}

/**
 * The config's `digest`, the SHA-1 of its file (qemu-server src/PVE/QemuServer.pm:1946,
 * pve-container src/PVE/LXC/Config.pm:1132): /cluster/resources carries none, so a cached read
 * is checked against it whenever the config is read again.
 */
export function parseConfigDigest(body: unknown): string | null {
  const digest = object(object(body)['data'])['digest'];
  return typeof digest === 'string' && /^[0-9a-f]{40}$/.test(digest) ? digest : null;
}

/** The release of /version's `release` ("9.0"; pve-manager PVE/API2.pm:86-110, allowed to every user). */
export function parseRelease(body: unknown): number | null {
  const release = Number.parseFloat(String(object(object(body)['data'])['release'] ?? ''));
  return Number.isFinite(release) ? release : null;
}

/** The guest agent's guest-network-get-interfaces, as Proxmox passes it on (`data.result`). */
export function parseAgentInterfaces(body: unknown): GuestInterface[] {
  return parseGuestNetworkInterfaces(object(object(body)['data'])['result']);
}

/**
 * A container's /interfaces (pve-container src/PVE/LXC.pm:1262-1302, `ip --json a` inside it):
 * `ip-addresses` with `ip-address-type` `inet`/`inet6` is the list; the deprecated `inet` holds
 * only the last IPv4 (:1283). A stopped container answers `{"data":null}` (:1265-1266).
 */
export function parseLxcInterfaces(body: unknown): GuestInterface[] {
  const data = object(body)['data'];
  if (!Array.isArray(data)) return [];
  return data.map((raw) => {
    const i = object(raw);
    const listed = Array.isArray(i['ip-addresses']) ? i['ip-addresses'].map(object).filter((a) => a['ip-address-type'] === 'inet').map((a) => String(a['ip-address'])) : [];
    const inet = String(i['inet'] ?? '').replace(/\/\d+$/, '');
    const ipv4 = [...new Set([...listed, ...(isIpv4(inet) ? [inet] : [])])].filter(isIpv4);
    return { name: String(i['name'] ?? ''), mac: normalizeMac(String(i['hardware-address'] ?? i['hwaddr'] ?? '')), ipv4 };
  });
}

export function proxmoxPower(status: string): Power {
  switch (status) {
    case 'running':
      return 'running';
    case 'paused':
    case 'suspended':
    case 'prelaunch':
      return 'paused';
    case 'stopped':
      return 'off';
    default:
      return 'unknown';
  }
}
