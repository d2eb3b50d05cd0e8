// Parsers for the lease files a manifest names (dnsmasq's, libvirt's network status files) and
// for `ip monitor neigh`. Pure: text in, facts out.

import { isIpv4, normalizeMac } from '../../discovery/net-address.js';
import type { Lease } from '../../discovery/address-tiers.js';


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

/** One line of `ip monitor neigh`: `[Deleted ]<ip> dev <if> [lladdr <mac>] <STATE>`. */
export function parseMonitorLine(line: string): { ip: string; mac: string | null; deleted: boolean } | null {
  const m = /^(Deleted )?(\S+) dev \S+(?: lladdr (\S+))?/.exec(line.trim());
  if (!m || !isIpv4(m[2]!)) return null;
  return { ip: m[2]!, mac: normalizeMac(m[3]), deleted: !!m[1] };
}
