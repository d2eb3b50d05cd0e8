// Seed 003's first tier: the guest's console log, where cloud-init prints its network table
// ("ci-info: | ens3 | True | 192.168.1.23 | 255.255.255.0 | global | 52:54:00:15:7a:e3 |"). The
// last table in the log is the latest boot's. On a first boot it may list only the IPv6 address:
// then the MAC it shows is still worth having, for the ARP tier.

import { isUsableIpv4, normalizeMac } from './net-address.js';

export interface ConsoleLogFinding {
  /** A usable IPv4 of the interface with the VM's MAC (or of the only interface with a MAC). */
  ipv4: string | null;
  /** The MAC of that interface, as logged (normalized). */
  mac: string | null;
}

interface CiInfoRow {
  device: string;
  address: string;
  mac: string | null;
}

/** The rows of the last ci-info network table in a console log. */
export function lastCiInfoTable(log: string): CiInfoRow[] {
  let table: CiInfoRow[] = [];
  let inTable = false;
  for (const line of log.split(/\r?\n/)) {
    const at = line.indexOf('ci-info: ');
    if (at === -1) continue;
    const body = line.slice(at + 9).trim();
    if (/^\|\s*Device\s*\|\s*Up\s*\|\s*Address\s*\|/i.test(body)) {
      // A new table starts: the latest boot's replaces the ones before it.
      table = [];
      inTable = true;
      continue;
    }
    if (!inTable || !body.startsWith('|')) continue;
    const cells = body.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length < 6) continue;
    table.push({ device: cells[0]!, address: cells[2]!.replace(/\/\d+$/, ''), mac: normalizeMac(cells[5]) });
  }
  return table;
}

export function consoleLogAddress(log: string, mac: string | null): ConsoleLogFinding {
  const want = normalizeMac(mac);
  const rows = lastCiInfoTable(log).filter((r) => r.mac && (!want || r.mac === want));
  const ipv4 = rows.map((r) => r.address).find((a) => isUsableIpv4(a)) ?? null;
  return { ipv4, mac: rows[0]?.mac ?? null };
}
