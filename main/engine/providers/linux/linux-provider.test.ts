// The Linux provider on fixtures: parsers for every source, the lease → ARP tiers, and libvirt
// through the command-runner seam (no libvirt daemon can run on the test machines).
import dgram from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VmRef } from '../../discovery/observation.js';
import { pickLease } from '../../discovery/address-tiers.js';
import { parseIpNeigh } from '../../discovery/host-neighbors.js';
import { parseDnsmasqLeases, parseLibvirtStatus } from './linux-facts.js';
import type { CommandRunner } from '../../discovery/host-neighbors.js';
import { LinuxProvider } from './linux-provider.js';
import { loadManifest } from './manifest.js';
import { observeLinux, type InventoryVm } from './observe-linux.js';

const NOW = '2026-11-22T10:00:00.000Z';
const nowS = Date.parse(NOW) / 1000;
const ref = (machineName: string, vmName: string, vmId: string | null = null): VmRef => ({ project: 'p', machineName, vmName, vmId });

describe('Linux facts parsers', () => {
  it('dnsmasq leases, infinite ones included, IPv6 and junk skipped', () => {
    const text = `${nowS + 3600} 52:54:00:aa:00:01 10.0.0.11 web 01:52:54:00:aa:00:01\n0 52:54:00:aa:00:02 10.0.0.12 * *\nduid 00:01:00:01\n${nowS + 60} 52:54:00:aa:00:03 fd00::3 db *\ngarbage\n`;
    expect(parseDnsmasqLeases(text)).toEqual([
      { mac: '525400AA0001', ip: '10.0.0.11', expiresAt: (nowS + 3600) * 1000 },
      { mac: '525400AA0002', ip: '10.0.0.12', expiresAt: null },
    ]);
  });
  it("libvirt's network status file", () => {
    expect(parseLibvirtStatus(JSON.stringify([{ 'ip-address': '192.168.122.50', 'mac-address': '52:54:00:6c:3c:01', hostname: 'web', 'expiry-time': nowS + 10 }]))).toEqual([{ mac: '5254006C3C01', ip: '192.168.122.50', expiresAt: (nowS + 10) * 1000 }]);
    expect(parseLibvirtStatus('')).toEqual([]);
    expect(parseLibvirtStatus('{not json')).toEqual([]);
  });
  it('ip -j neigh: IPv4 entries with a MAC', () => {
    const json = JSON.stringify([
      { dst: '10.0.0.11', dev: 'br0', lladdr: '52:54:00:aa:00:01', state: ['REACHABLE'] },
      { dst: '10.0.0.99', dev: 'br0', state: ['FAILED'] },
      { dst: 'fe80::1', dev: 'br0', lladdr: '52:54:00:aa:00:01', state: ['STALE'] },
    ]);
    expect(parseIpNeigh(json)).toEqual([{ ip: '10.0.0.11', mac: '52:54:00:aa:00:01', state: 'REACHABLE' }]);
  });
  it('pickLease: unexpired only, the longest-lasting wins', () => {
    const leases = [
      { mac: '525400AA0001', ip: '10.0.0.5', expiresAt: (nowS - 1) * 1000 },
      { mac: '525400AA0001', ip: '10.0.0.6', expiresAt: (nowS + 100) * 1000 },
      { mac: '525400AA0001', ip: '10.0.0.7', expiresAt: (nowS + 50) * 1000 },
    ];
    expect(pickLease('52:54:00:AA:00:01', leases, Date.parse(NOW))).toBe('10.0.0.6');
    expect(pickLease('52:54:00:aa:00:01', [leases[0]!], Date.parse(NOW))).toBeNull();
  });
});

describe('observeLinux', () => {
  const inventory: InventoryVm[] = [
    { name: 'p-web-1', id: 'ID-1', mac: '52:54:00:aa:00:01', power: 'running', state: 'running', from: 'manifest' },
    { name: 'p-db-1', id: null, mac: '52:54:0:aa:0:2', power: 'running', state: 'running', from: 'manifest' },
    { name: 'p-off-1', id: null, mac: '52:54:00:aa:00:03', power: 'off', state: 'off', from: 'manifest' },
    { name: 'p-dark-1', id: null, mac: '52:54:00:aa:00:04', power: 'running', state: 'running', from: 'manifest' },
  ];
  const facts = {
    inventory,
    leases: [{ mac: '525400AA0001', ip: '10.0.0.11', expiresAt: null }],
    neighbors: [{ ip: '10.0.0.12', mac: '52:54:0:AA:0:2', state: 'STALE' }, { ip: '10.0.0.13', mac: '52:54:00:aa:00:03', state: 'REACHABLE' }],
  };

  it('lease, then ARP (MACs compared case- and zero-insensitively), then none; Off VMs have no network', () => {
    const out = observeLinux([ref('web', 'renamed', 'id-1'), ref('db', 'p-db-1'), ref('off', 'p-off-1'), ref('dark', 'p-dark-1'), ref('gone', 'p-gone-1', 'x')], facts, NOW);
    expect(out.map((o) => [o.ref.machineName, o.found, o.vmState, o.tier, o.network?.ipv4 ?? null, o.network?.source ?? null])).toEqual([
      ['web', true, 'running', 'lease', '10.0.0.11', 'lease'],
      ['db', true, 'running', 'arp', '10.0.0.12', 'arp'],
      ['off', true, 'off', null, null, null],
      ['dark', true, 'running', null, null, 'lease'],
      ['gone', false, 'missing', null, null, null],
    ]);
    expect(out[3]!.warnings.map((w) => w.text)[0]).toMatch(/no DHCP lease, console log entry, neighbour entry or DNS name for MAC 525400AA0004/);
    expect(out[4]!.warnings.map((w) => w.text)[0]).toMatch(/the manifest does not list it: add it to the manifest/);
    expect(out.map((o) => [o.power, o.detail])).toEqual([['running', { provider: 'linux', listedBy: 'manifest' }], ['running', { provider: 'linux', listedBy: 'manifest' }], ['off', { provider: 'linux', listedBy: 'manifest' }], ['running', { provider: 'linux', listedBy: 'manifest' }], ['missing', { provider: 'linux', listedBy: null }]]);
  });
});

describe("seed 003's tiers on Linux", () => {
  const vm: InventoryVm = { name: 'p-web-1', id: null, mac: '52:54:00:15:7a:e3', power: 'running', state: 'running', from: 'manifest' };
  const ciInfo = 'ci-info: | Device |  Up  |  Address  |  Mask  | Scope  |  Hw-Address  |\nci-info: |  ens3  | True | 192.168.1.123 | 255.255.255.0 | global | 52:54:00:15:7a:e3 |\n';
  const obs = (extra: Partial<Parameters<typeof observeLinux>[1]>) => observeLinux([ref('web', 'p-web-1')], { inventory: [vm], leases: [], neighbors: [], ...extra }, NOW)[0]!;

  it('lease, then console log, then ARP, then DNS: each tier only when the ones before found nothing', () => {
    expect(obs({ consoleLogs: new Map([['p-web-1', ciInfo]]), registered: new Map([['p-web-1', '192.168.1.9']]) })).toMatchObject({ tier: 'console', network: { ipv4: '192.168.1.123', source: 'guest-file' } });
    expect(obs({ leases: [{ mac: '525400157AE3', ip: '192.168.1.5', expiresAt: null }], consoleLogs: new Map([['p-web-1', ciInfo]]) })).toMatchObject({ tier: 'lease' });
    expect(obs({ neighbors: [{ ip: '192.168.1.7', mac: '52:54:0:15:7a:e3', state: 'REACHABLE' }], registered: new Map([['p-web-1', '192.168.1.9']]) })).toMatchObject({ tier: 'arp', network: { ipv4: '192.168.1.7' } });
    expect(obs({ registered: new Map([['p-web-1', '192.168.1.9']]) })).toMatchObject({ tier: 'dns', network: { ipv4: '192.168.1.9', source: 'dns' } });
    expect(obs({ registered: new Map([['p-web-1', null]]) })).toMatchObject({ tier: null, warnings: [{ code: 'no-ipv4' }] });
  });
});

describe('LinuxProvider', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-linux-'));
  const leaseFile = path.join(dir, 'leases');
  writeFileSync(leaseFile, `${nowS + 3600} 52:54:00:aa:00:01 10.0.0.11 web *\n`);

  it('asks DNS (and reads console logs) only for a running VM the lease tier left without an address', async () => {
    // A DNS server on loopback that counts the questions and answers none.
    const server = dgram.createSocket('udp4');
    let questions = 0;
    server.on('message', () => questions++);
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const pidFile = path.join(dir, 'self.pid');
    writeFileSync(pidFile, String(process.pid));
    const dnsServer = `127.0.0.1:${server.address().port}`;
    const vm = (mac: string) => ({ name: 'p-web-1', mac, pidFile, hostname: 'web', consoleLog: path.join(dir, 'no-such.log') });
    try {
      const leased = new LinuxProvider({ version: 1, vms: [vm('52:54:00:aa:00:01')], leaseFiles: [{ path: leaseFile, format: 'dnsmasq' }], dnsServer }, async () => '[]');
      expect((await leased.observe([ref('web', 'p-web-1')], NOW))[0]).toMatchObject({ tier: 'lease' });
      expect(questions).toBe(0);
      const unleased = new LinuxProvider({ version: 1, vms: [vm('52:54:00:aa:00:09')], leaseFiles: [{ path: leaseFile, format: 'dnsmasq' }], dnsServer }, async () => '[]');
      expect((await unleased.observe([ref('web', 'p-web-1')], NOW))[0]).toMatchObject({ tier: null });
      expect(questions).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });

  it('combines the manifest, lease files and the neighbour table in one pass, through the runner seam', async () => {
    const calls: string[] = [];
    const runner: CommandRunner = async (cmd, args) => {
      calls.push([cmd, ...args].join(' '));
      if (cmd === 'ip') return JSON.stringify([{ dst: '10.0.0.12', lladdr: '52:54:00:aa:00:02', state: ['REACHABLE'] }]);
      throw new Error(`unexpected ${cmd}`);
    };
    const provider = new LinuxProvider({ version: 1, vms: [{ name: 'p-web-1', mac: '52:54:00:aa:00:01' }, { name: 'p-db-1', mac: '52:54:00:aa:00:02' }], leaseFiles: [{ path: leaseFile, format: 'dnsmasq' }] }, runner);
    const out = await provider.observe([ref('web', 'p-web-1'), ref('db', 'p-db-1')], NOW);
    expect(out.map((o) => [o.tier, o.network?.ipv4])).toEqual([['lease', '10.0.0.11'], ['arp', '10.0.0.12']]);
    expect(calls).toEqual(['ip -j -4 neigh show']);
  });

  it('a VM whose namespace does not exist is off', async () => {
    const provider = new LinuxProvider({ version: 1, vms: [{ name: 'p-web-1', mac: '52:54:00:aa:00:01', netns: 'rt-no-such-netns' }] }, async () => '[]');
    const [o] = await provider.observe([ref('web', 'p-web-1')], NOW);
    expect(o!.power).toBe('off');
  });

  it('a pid file decides whether a manifest VM runs', async () => {
    const alive = path.join(dir, 'alive.pid');
    const dead = path.join(dir, 'dead.pid');
    writeFileSync(alive, String(process.pid));
    writeFileSync(dead, '999999999');
    const provider = new LinuxProvider({ version: 1, vms: [{ name: 'a', mac: '52:54:00:aa:00:01', pidFile: alive }, { name: 'b', mac: '52:54:00:aa:00:02', pidFile: dead }] }, async () => '[]');
    const out = await provider.observe([ref('a', 'a'), ref('b', 'b')], NOW);
    expect(out.map((o) => o.power)).toEqual(['running', 'off']);
  });

  it('a broken manifest names the field', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 1, vms: [{ name: 'x', mac: 'nope', netns: '../etc' }] }));
    await expect(loadManifest(bad)).rejects.toThrow(/vms\[0\]\.mac: "nope" does not match.*\n.*vms\[0\]\.netns: "\.\.\/etc" does not match/);
  });
});

describe('parseMonitorLine', () => {
  it('reads ip monitor neigh lines', async () => {
    const { parseMonitorLine } = await import('./linux-facts.js');
    expect(parseMonitorLine('10.0.0.11 dev br0 lladdr 52:54:00:aa:00:01 REACHABLE')).toEqual({ ip: '10.0.0.11', mac: '525400AA0001', deleted: false });
    expect(parseMonitorLine('Deleted 10.0.0.11 dev br0 lladdr 52:54:00:aa:00:01 STALE')).toEqual({ ip: '10.0.0.11', mac: '525400AA0001', deleted: true });
    expect(parseMonitorLine('10.0.0.12 dev br0  FAILED')).toEqual({ ip: '10.0.0.12', mac: null, deleted: false });
    expect(parseMonitorLine('fe80::1 dev br0 lladdr 52:54:00:aa:00:01 STALE')).toBeNull();
  });
});
