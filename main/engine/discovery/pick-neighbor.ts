// The ARP tier's choice: among the host's neighbour entries for one MAC, the usable IPv4 to trust.

import { isUsableIpv4, isZeroMac, normalizeMac } from './net-address.js';

export interface NeighborEntry {
  ip: string;
  mac: string;
  /** Neighbour state name: Permanent, Reachable, Stale, … (Windows) or REACHABLE, STALE, … (Linux). */
  state: string;
}

// States that mean "this MAC had this IP recently enough"; the rank breaks ties between
// several entries for one MAC (a renumbered guest keeps its old Permanent entry on Hyper-V).
const USABLE_STATE_RANK: Record<string, number> = { reachable: 0, permanent: 1, delay: 2, probe: 3, stale: 4, noarp: 5 };

export interface NeighborPick {
  ip: string | null;
  /** Other candidate IPs passed over, to be shown as a warning. */
  others: string[];
}

export function pickNeighbor(mac: string, entries: NeighborEntry[]): NeighborPick {
  const want = normalizeMac(mac);
  if (!want || isZeroMac(want)) return { ip: null, others: [] };
  const candidates = new Map<string, number>();
  for (const e of entries) {
    const rank = USABLE_STATE_RANK[e.state.toLowerCase()];
    if (rank === undefined || normalizeMac(e.mac) !== want || !isUsableIpv4(e.ip)) continue;
    candidates.set(e.ip, Math.min(rank, candidates.get(e.ip) ?? rank));
  }
  const sorted = [...candidates.entries()].sort((a, b) => a[1] - b[1] || compareIp(a[0], b[0])).map(([ip]) => ip);
  return { ip: sorted[0] ?? null, others: sorted.slice(1) };
}

export function compareIp(a: string, b: string): number {
  const na = a.split('.').map(Number);
  const nb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (na[i] !== nb[i]) return na[i]! - nb[i]!;
  return 0;
}
