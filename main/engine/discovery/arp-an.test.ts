// macOS's `arp -an` (leading zeros stripped from each MAC byte), read as fixtures.
import { describe, expect, it } from 'vitest';
import { parseArpAn } from './arp-an.js';
import { pickNeighbor } from './pick-neighbor.js';

// macOS `arp -an`: each MAC byte without its leading zero (seed 003).
const MACOS = [
  '? (192.168.1.1) at 0:11:22:33:44:55 on en0 ifscope [ethernet]',
  '? (192.168.1.23) at 52:54:0:15:7a:e3 on en0 ifscope [ethernet]',
  '? (192.168.1.24) at (incomplete) on en0 ifscope [ethernet]',
  '? (192.168.1.30) at 52:54:0:aa:0:1 on en0 ifscope permanent [ethernet]',
  '? (224.0.0.251) at 1:0:5e:0:0:fb on en0 ifscope permanent [ethernet]',
].join('\n');

describe("macOS's arp -an", () => {
  it('reads zero-stripped MACs, skips incomplete entries, and the ARP tier finds the VM by its MAC', () => {
    const entries = parseArpAn(MACOS);
    expect(entries.map((e) => e.ip)).toEqual(['192.168.1.1', '192.168.1.23', '192.168.1.30', '224.0.0.251']);
    expect(entries[2]!.state).toBe('permanent');
    expect(pickNeighbor('52:54:00:15:7a:e3', entries)).toEqual({ ip: '192.168.1.23', others: [] });
    expect(pickNeighbor('01:00:5e:00:00:fb', entries).ip).toBeNull(); // multicast is no guest address
  });
});
