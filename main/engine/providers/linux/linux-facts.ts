// Parsers for what a Linux host knows about its guests: dnsmasq lease files, libvirt's network
// status files, `ip -j neigh`, and virsh's domain and interface tables. Pure: text in, facts out.

import { isIpv4, normalizeMac } from '../../discovery/net-address.js';
import type { NeighborEntry } from '../../discovery/pick-neighbor.js';
import type { Power } from '../../discovery/observation.js';

export interface Lease {
  mac: string;
  ip: string;
  /** Epoch milliseconds; null for an infinite lease. */
  expiresAt: number | null;
}

/** dnsmasq: `<expiry epoch s> <mac> <ip> <hostname> <client-id>`; expiry 0 means infinite. */
export function parseDnsmasqLeases(text: string): Lease[] {
  return text.split('\n').flatMap((line) => {
    const f = line.trim().split(/\s+/);
    const mac = normalizeMac(f[1]);
    if (f.length < 3 || !/^\d+$/.test(f[0]!) || !mac || !isIpv4(f[2]!)) return [];
    const expiry = Number(f[0]);
    return [{ mac, ip: f[2]!, expiresAt: expiry === 0 ? null : expiry * 1000 }];
  });
}

// A file being rewritten, or a command that printed nothing, reads as no entries.
function jsonArray(text: string): unknown[] {
  try {
    const data: unknown = JSON.parse(text || '[]');
    return Array.isArray(data) ? data : [];
  } catch {
    return [];
  }
}

/** libvirt's /var/lib/libvirt/dnsmasq/<bridge>.status: a JSON array of leases. */
export function parseLibvirtStatus(text: string): Lease[] {
  return (jsonArray(text) as Array<Record<string, unknown>>).flatMap((e) => {
    const mac = normalizeMac(String(e['mac-address'] ?? ''));
    const ip = String(e['ip-address'] ?? '');
    if (!mac || !isIpv4(ip)) return [];
    const expiry = Number(e['expiry-time'] ?? 0);
    return [{ mac, ip, expiresAt: expiry > 0 ? expiry * 1000 : null }];
  });
}

/** `ip -j neigh`: IPv4 entries with a MAC, their first state word. */
export function parseIpNeigh(json: string): NeighborEntry[] {
  return (jsonArray(json) as Array<{ dst?: string; lladdr?: string; state?: string[] }>).flatMap((e) =>
    e.dst && e.lladdr && isIpv4(e.dst) ? [{ ip: e.dst, mac: e.lladdr, state: (e.state ?? ['NONE'])[0]! }] : [],
  );
}

export interface VirshDomain {
  name: string;
  state: string;
}

/** `virsh -q list --all`: `<id or -> <name> <state words>`. */
export function parseVirshList(text: string): VirshDomain[] {
  return text.split('\n').flatMap((line) => {
    const m = /^\s*(\d+|-)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    return m ? [{ name: m[2]!, state: m[3]! }] : [];
  });
}

/** `virsh -q domiflist <dom>`: `<interface> <type> <source> <model> <mac>`. */
export function parseVirshDomiflist(text: string): Array<{ source: string; mac: string }> {
  return text.split('\n').flatMap((line) => {
    const f = line.trim().split(/\s+/);
    const mac = normalizeMac(f[4]);
    return f.length >= 5 && mac ? [{ source: f[2]!, mac }] : [];
  });
}

/** libvirt's domain states (`virsh domstate` words) onto the neutral power state. */
export function libvirtPower(state: string): Power {
  switch (state) {
    case 'running':
    case 'idle':
    case 'blocked':
      return 'running';
    case 'paused':
    case 'pmsuspended':
      return 'paused';
    case 'in shutdown':
      return 'stopping';
    case 'shut off':
    case 'crashed':
      return 'off';
    default:
      return 'unknown';
  }
}

/** The lease to trust for a MAC: unexpired, and the one that lasts longest. */
export function pickLease(mac: string, leases: Lease[], nowMs: number): string | null {
  const want = normalizeMac(mac);
  const live = leases.filter((l) => l.mac === want && (l.expiresAt === null || l.expiresAt > nowMs));
  live.sort((a, b) => (b.expiresAt ?? Infinity) - (a.expiresAt ?? Infinity));
  return live[0]?.ip ?? null;
}

/** One line of `ip monitor neigh`: `[Deleted ]<ip> dev <if> [lladdr <mac>] <STATE>`. */
export function parseMonitorLine(line: string): { ip: string; mac: string | null; deleted: boolean } | null {
  const m = /^(Deleted )?(\S+) dev \S+(?: lladdr (\S+))?/.exec(line.trim());
  if (!m || !isIpv4(m[2]!)) return null;
  return { ip: m[2]!, mac: normalizeMac(m[3]), deleted: !!m[1] };
}
