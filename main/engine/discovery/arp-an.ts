// The ARP table as macOS's `arp -an` prints it ("? (192.168.1.23) at 52:54:0:15:7a:e3 on en0
// ifscope [ethernet]"): leading zeros of each MAC byte stripped, no neighbour state.

import type { NeighborEntry } from './pick-neighbor.js';
import { isIpv4 } from './net-address.js';

export function parseArpAn(text: string): NeighborEntry[] {
  return text.split('\n').flatMap((line) => {
    const m = /^\S+ \((\d+\.\d+\.\d+\.\d+)\) at ([0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}) on \S+(.*)$/i.exec(line.trim());
    if (!m || !isIpv4(m[1]!)) return [];
    // macOS lists resolved entries only ("(incomplete)" never matches); static ones say "permanent".
    return [{ ip: m[1]!, mac: m[2]!, state: /\bpermanent\b/.test(m[3]!) ? 'permanent' : 'reachable' }];
  });
}
