// Address helpers shared by every provider: strict IPv4 checks, link-local filtering, and MAC
// normalization that accepts Windows (00-15-5D-…), Linux (00:15:5d:…), Hyper-V (00155D…) and
// macOS's zero-stripped (0:15:5d:…) spellings.

import net from 'node:net';

export function isIpv4(value: string): boolean {
  return /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(value) && net.isIPv4(value);
}

export function isLinkLocal(ip: string): boolean {
  if (isIpv4(ip)) return ip.startsWith('169.254.');
  return /^fe[89ab][0-9a-f]:/i.test(ip);
}

/** Usable as a guest address: IPv4, not link-local, not unspecified, loopback or multicast. */
export function isUsableIpv4(ip: string): boolean {
  if (!isIpv4(ip) || isLinkLocal(ip)) return false;
  const first = Number(ip.split('.')[0]);
  return first !== 0 && first !== 127 && first < 224;
}

/** 12 upper-case hex chars, or null when the text is not a MAC. */
export function normalizeMac(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  let groups: string[];
  if (/^[0-9a-f]{12}$/i.test(trimmed)) groups = trimmed.match(/../g)!;
  else if (/^[0-9a-f]{1,2}([-:.][0-9a-f]{1,2}){5}$/i.test(trimmed)) groups = trimmed.split(/[-:.]/).map((g) => g.padStart(2, '0'));
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(trimmed)) groups = trimmed.replace(/\./g, '').match(/../g)!;
  else return null;
  return groups.join('').toUpperCase();
}

export function isZeroMac(mac: string): boolean {
  return /^0{12}$/.test(mac);
}

/** 00155DDE3309 → 00:15:5D:DE:33:09, for people. */
export function displayMac(mac: string | null): string {
  return mac ? mac.match(/../g)!.join(':') : '';
}
