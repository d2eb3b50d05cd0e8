// The guest agent's view of a VM's interfaces, shared by every provider that asks one (quickemu
// over its socket, libvirt through virsh, Proxmox VE through its API): reading QGA's
// guest-network-get-interfaces answer, and picking the VM's own NIC by MAC, so that lo, a
// docker0 or a tun inside the guest never lends its address to the VM. Pure.

import { isIpv4, isUsableIpv4, normalizeMac } from './net-address.js';

export interface GuestInterface {
  name: string;
  /** Normalised (12 upper-case hex digits); null when the agent gives none (a tun, lo on some guests). */
  mac: string | null;
  ipv4: string[];
}

const object = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * QGA's `[GuestNetworkInterface]` (QEMU qga/qapi-schema.json: `name`, optional `hardware-address`,
 * optional `ip-addresses` of `{ip-address-type: ipv4|ipv6, ip-address, prefix}`); entries without
 * a name are no interfaces. Non-arrays read as no interfaces.
 */
export function parseGuestNetworkInterfaces(list: unknown): GuestInterface[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((raw): GuestInterface[] => {
    const i = object(raw);
    if (typeof i['name'] !== 'string') return [];
    const addresses = Array.isArray(i['ip-addresses']) ? i['ip-addresses'].map(object) : [];
    const ipv4 = addresses.flatMap((a) => (a['ip-address-type'] === 'ipv4' && typeof a['ip-address'] === 'string' && isIpv4(a['ip-address']) ? [a['ip-address']] : []));
    return [{ name: i['name'], mac: normalizeMac(typeof i['hardware-address'] === 'string' ? i['hardware-address'] : null), ipv4 }];
  });
}

/**
 * The VM's own NIC among what the guest reports: the interfaces carrying one of its MACs, and of
 * those the first with a usable IPv4. More than one interface can carry the NIC's MAC (a bridge,
 * bond or VLAN made on it in the guest takes its MAC, and the address sits there, not on eth0), so
 * every one is looked at. `nic` is the one the address came from, else the first with the MAC
 * (null when none has it): a caller tells "no such NIC" from "no address on it yet" by it.
 */
export function ownNicAddress<T extends { mac: string | null; ipv4: readonly string[] }>(interfaces: readonly T[], macs: readonly string[]): { nic: T | null; ipv4: string | null } {
  const own = new Set(macs.map((m) => normalizeMac(m)).filter((m): m is string => m !== null));
  const candidates = interfaces.filter((i) => i.mac !== null && own.has(i.mac));
  for (const nic of candidates) {
    const ipv4 = nic.ipv4.find(isUsableIpv4);
    if (ipv4) return { nic, ipv4 };
  }
  return { nic: candidates[0] ?? null, ipv4: null };
}
