// macOS's DHCP server (bootpd) and its lease file, /var/db/dhcpd_leases: every vmnet network
// (QEMU's vmnet-shared, socket_vmnet, UTM, minikube's qemu2 driver) hands out addresses from it.
// One block per lease (bootp's bootpd.tproj/dhcpd.c:405-441, S_create_host):
//   { name=web  ip_address=192.168.105.2  hw_address=1,8e:1:99:9c:54:b1  identifier=…  lease=0x… }
// `hw_address` is "<ARP hardware type>,<address>" with each byte printed by %x (zero-stripped);
// type ff is a DHCP client's DUID, not a MAC (minikube pkg/drivers/common/dhcp/lease.go:139-164).
// `lease` is when the lease ends, epoch seconds in hex ("0x%lx" of max_lease + the request's
// time, dhcpd.c:250-259, :538, :574). Pure: text in, leases out.

import type { Lease } from './address-tiers.js';
import { isIpv4, normalizeMac } from './net-address.js';
import { readTail } from './read-tail.js';

export const BOOTPD_LEASES = '/var/db/dhcpd_leases';

export function parseBootpdLeases(text: string): Lease[] {
  const leases: Lease[] = [];
  let entry: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '{') entry = new Map();
    else if (line === '}') {
      const lease = entry && leaseOf(entry);
      if (lease) leases.push(lease);
      entry = null;
    } else if (entry) {
      const eq = line.indexOf('=');
      if (eq > 0) entry.set(line.slice(0, eq), line.slice(eq + 1));
    }
  }
  return leases;
}

function leaseOf(entry: Map<string, string>): Lease | null {
  const ip = entry.get('ip_address') ?? '';
  const [hwType, hwAddr] = (entry.get('hw_address') ?? '').split(',', 2);
  // Ethernet only (ARP hardware type 1): a DUID (ff,…) names no NIC.
  const mac = hwType === '1' ? normalizeMac(hwAddr) : null;
  if (!mac || !isIpv4(ip)) return null;
  const end = /^0x[0-9a-f]+$/i.test(entry.get('lease') ?? '') ? Number.parseInt(entry.get('lease')!.slice(2), 16) : null;
  // A block without a readable end is kept as lasting: bootpd writes one for every binding.
  return { mac, ip, expiresAt: end === null ? null : end * 1000 };
}

/** The host's bootpd leases; none when the file is absent (no vmnet guest has asked yet) or unreadable. */
export async function readBootpdLeases(file: string = BOOTPD_LEASES): Promise<Lease[]> {
  const text = await readTail(file, BOOTPD_READ_BYTES);
  return text === null ? [] : parseBootpdLeases(text);
}

/** About 150 bytes a lease: far more leases than any Mac holds, and a bound on a file gone wrong. */
const BOOTPD_READ_BYTES = 4 * 1024 * 1024;
