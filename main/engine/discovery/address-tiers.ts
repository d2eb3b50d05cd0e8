// Seed 003's address tiers for a VM seen only from outside, by its MAC: a DHCP lease, then the
// console log's cloud-init table, then the host's neighbour table, then the DHCP server's DNS.
// The first that knows wins. Pure: every provider that finds guests this way (the Linux manifest
// and libvirt, quickemu's bridged VMs) gathers the facts and asks here.

import { consoleLogAddress } from './console-log.js';
import { normalizeMac } from './net-address.js';
import { pickNeighbor, type NeighborEntry } from './pick-neighbor.js';
import type { AddressChoice } from './observation.js';
import type { NetworkState } from '../seed-types.js';

export interface Lease {
  mac: string;
  ip: string;
  /** Epoch milliseconds; null for an infinite lease. */
  expiresAt: number | null;
}

export interface TierFacts {
  leases: Lease[];
  /** The VM's console log text, where one is known. */
  consoleLog?: string;
  neighbors: NeighborEntry[];
  /** The IPv4 the VM's registered name resolves to at the DHCP server's DNS (null: none). */
  registered?: string | null;
  /** The neighbour table, in words, for a warning about several addresses. */
  neighbourTable: string;
}

export type TierAnswer =
  | { ipv4: string; mac: string | null; source: NetworkState['source']; tier: string; addressChoice?: AddressChoice }
  | { ipv4: null; mac: string | null };

/** The live lease for a MAC that lasts longest (a renewed lease outlives the old one). */
export function pickLease(mac: string, leases: Lease[], nowMs: number): string | null {
  const want = normalizeMac(mac);
  const live = leases.filter((l) => l.mac === want && (l.expiresAt === null || l.expiresAt > nowMs));
  live.sort((a, b) => (b.expiresAt ?? Infinity) - (a.expiresAt ?? Infinity));
  return live[0]?.ip ?? null;
}

export function addressFromTiers(macText: string | null, facts: TierFacts, nowMs: number): TierAnswer {
  const mac = normalizeMac(macText);
  const leased = mac ? pickLease(mac, facts.leases, nowMs) : null;
  if (leased) return { ipv4: leased, mac, source: 'lease', tier: 'lease' };
  const logged = facts.consoleLog ? consoleLogAddress(facts.consoleLog, mac) : null;
  if (logged?.ipv4) return { ipv4: logged.ipv4, mac: mac ?? logged.mac, source: 'guest-file', tier: 'console' };
  // A first boot may log only IPv6: the MAC the log shows still serves the ARP tier.
  const arpMac = mac ?? logged?.mac ?? null;
  const pick = arpMac ? pickNeighbor(arpMac, facts.neighbors) : { ip: null, others: [] };
  if (pick.ip) {
    const found = { ipv4: pick.ip, mac: arpMac, source: 'arp' as const, tier: 'arp' };
    return pick.others.length === 0 ? found : { ...found, addressChoice: { candidates: [pick.ip, ...pick.others], by: 'freshest', table: facts.neighbourTable } };
  }
  if (facts.registered) return { ipv4: facts.registered, mac: arpMac, source: 'dns', tier: 'dns' };
  return { ipv4: null, mac: arpMac };
}
