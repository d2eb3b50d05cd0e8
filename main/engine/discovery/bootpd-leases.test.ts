// bootpd's /var/db/dhcpd_leases read as macOS writes it (the fixture is minikube's, with
// zero-stripped MACs and a DUID entry), and a lease found through it becomes the VM's address, first among the tiers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressFromTiers } from './address-tiers.js';
import { parseBootpdLeases, readBootpdLeases } from './bootpd-leases.js';
import { MINIKUBE_LEASES } from '../../../dev/test-support/macos-fixtures.js';


describe("bootpd's lease file", () => {
  it('reads zero-stripped MACs by hardware address (not identifier), skips DUIDs, and keeps when each lease ends', () => {
    expect(parseBootpdLeases(MINIKUBE_LEASES)).toEqual([
      { mac: 'A1B2C3D4E5F6', ip: '1.2.3.4', expiresAt: 0x597e1267 * 1000 },
      { mac: '8E01999C54B1', ip: '192.168.105.2', expiresAt: 0x597e1268 * 1000 },
      { mac: 'A4B5C6D7E8F9', ip: '192.168.64.3', expiresAt: 0x597e1267 * 1000 },
    ]);
  });

  it('the lease tier finds a vmnet guest by its MAC in any spelling, and an ended lease is no address', () => {
    const leases = parseBootpdLeases(MINIKUBE_LEASES);
    const before = (0x597e1268 - 60) * 1000;
    expect(addressFromTiers('8E:01:99:9C:54:B1', { leases, neighbors: [], neighbourTable: 'arp' }, before)).toMatchObject({ ipv4: '192.168.105.2', tier: 'lease', source: 'lease' });
    expect(addressFromTiers('8e:1:99:9c:54:b1', { leases, neighbors: [], neighbourTable: 'arp' }, (0x597e1268 + 1) * 1000).ipv4).toBeNull();
  });

  it('a file half-written, absent or not a file reads as no leases, never an error', async () => {
    expect(parseBootpdLeases('{\n\tname=x\n\tip_address=192.168.64.9\n')).toEqual([]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-bootpd-'));
    expect(await readBootpdLeases(path.join(dir, 'none'))).toEqual([]);
    expect(await readBootpdLeases(dir)).toEqual([]);
    writeFileSync(path.join(dir, 'dhcpd_leases'), MINIKUBE_LEASES);
    expect(await readBootpdLeases(path.join(dir, 'dhcpd_leases'))).toHaveLength(3);
  });
});
