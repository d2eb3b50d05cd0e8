// The manifest provider on a macOS host (the platform passed in, so it runs here), on fixtures
// from the upstream sources (dev/test-support/macos-fixtures.ts): bootpd's leases are its first
// tier, the neighbour table is `arp -an`, `ip` is never run, and a neighbour table that cannot be read costs its tier only, never the pass.
import { describe, expect, it } from 'vitest';
import type { VmRef } from '../../discovery/observation.js';
import type { CommandRunner } from '../../discovery/host-neighbors.js';
import { parseBootpdLeases } from '../../discovery/bootpd-leases.js';
import { ARP_AN, MINIKUBE_LEASES } from '../../../../dev/test-support/macos-fixtures.js';
import { LinuxProvider } from './linux-provider.js';

const NOW = new Date((0x597e1268 - 3600) * 1000).toISOString();
const ref = (machineName: string): VmRef => ({ project: 'p', machineName, vmName: `p-${machineName}-1`, vmId: null });
const manifest = { version: 1 as const, vms: [{ name: 'p-web-1', mac: '8e:01:99:9c:54:b1' }, { name: 'p-db-1', mac: '52:54:00:aa:00:02' }, { name: 'p-dark-1', mac: '52:54:00:aa:00:09' }] };
const refs = [ref('web'), ref('db'), ref('dark')];

describe('the manifest provider on macOS', () => {
  it("takes bootpd's lease first, then arp -an's entry; it never runs ip", async () => {
    const calls: string[] = [];
    const runner: CommandRunner = async (cmd, args) => {
      calls.push([cmd, ...args].join(' '));
      if (cmd === 'arp') return ARP_AN;
      throw Object.assign(new Error(`spawn ${cmd} ENOENT`), { code: 'ENOENT' });
    };
    const provider = new LinuxProvider(manifest, runner, { platform: 'darwin', bootpdLeases: async () => parseBootpdLeases(MINIKUBE_LEASES) });
    const out = await provider.observe(refs, NOW);
    expect(out.map((o) => [o.ref.machineName, o.tier, o.network?.ipv4 ?? null])).toEqual([['web', 'lease', '192.168.105.2'], ['db', 'arp', '192.168.105.7'], ['dark', null, null]]);
    expect(calls).toEqual(['arp -an']);
  });

  it('a missing neighbour tool fails no pass: leased VMs keep their address, the others say why', async () => {
    const runner: CommandRunner = async (cmd) => {
      throw Object.assign(new Error(`spawn ${cmd} ENOENT`), { code: 'ENOENT' });
    };
    for (const platform of ['darwin', 'linux'] as const) {
      const provider = new LinuxProvider(manifest, runner, { platform, bootpdLeases: async () => parseBootpdLeases(MINIKUBE_LEASES) });
      const out = await provider.observe(refs, NOW);
      expect(out[0]!.network?.ipv4 ?? null).toBe(platform === 'darwin' ? '192.168.105.2' : null);
      expect(out[1]!.warnings[0]!.text).toMatch(/the neighbour table could not be read: The host's neighbour table could not be read \(spawn (arp|ip) ENOENT\)/);
    }
  });
});
