// The Proxmox VE provider against a local HTTPS server that answers as the documented API does
// (dev/test-support/fake-proxmox.ts): tokens, guests across nodes, the guest agent's and a
// container's interfaces, refusals, and the certificate pinned on first use. The agent's answers
// from a real QEMU guest agent are dev/lab/proxmox-lab.test.ts's.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { selfSignedCert, startFakeProxmox, type FakeGuest, type FakeProxmox } from '../../../../dev/test-support/fake-proxmox.js';
import type { VmRef } from '../../discovery/observation.js';
import { FileHostKeyStore } from '../../ssh/known-hosts.js';
import { parseAgentInterfaces, parseLxcInterfaces, parseResources } from './proxmox-api.js';
import { parseClusterUrl, ProxmoxClient } from './proxmox-client.js';
import { ProxmoxProvider } from './proxmox-provider.js';
import { readTokenFile } from './proxmox-token.js';
import { createEnvironment } from '../../environment.js';

const NOW = '2026-11-23T10:00:00.000Z';
const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
const ref = (machineName: string, vmName: string, vmId: string | null = null): VmRef => ({ project: 'p', machineName, vmName, vmId });

// The shape `pvesh get nodes/<node>/qemu/<vmid>/agent/network-get-interfaces` prints.
const AGENT_RESULT = [
  { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }, { 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128 }] },
  { name: 'ens18', 'hardware-address': 'bc:24:11:5e:0a:01', 'ip-addresses': [{ 'ip-address': '192.168.128.105', 'ip-address-type': 'ipv4', prefix: 24 }, { 'ip-address': 'fe80::be24:11ff:fe5e:a01', 'ip-address-type': 'ipv6', prefix: 64 }] },
];

describe("the Proxmox VE API's answers", () => {
  it('guests across nodes, templates left out; agent and container interfaces', () => {
    expect(parseResources({ data: [{ id: 'qemu/101', type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'running', template: 0 }, { id: 'lxc/201', type: 'lxc', vmid: 201, name: 'cache', node: 'pve2', status: 'stopped' }, { id: 'qemu/900', type: 'qemu', vmid: 900, name: 'tmpl', node: 'pve1', status: 'stopped', template: 1 }, { id: 'storage/pve1/local', type: 'storage' }] })).toEqual([
      { type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'running' },
      { type: 'lxc', vmid: 201, name: 'cache', node: 'pve2', status: 'stopped' },
    ]);
    expect(parseAgentInterfaces({ data: { result: AGENT_RESULT } })).toEqual([
      { name: 'lo', mac: '000000000000', ipv4: ['127.0.0.1'] },
      { name: 'ens18', mac: 'BC24115E0A01', ipv4: ['192.168.128.105'] },
    ]);
    expect(parseLxcInterfaces({ data: [{ name: 'lo', hwaddr: '00:00:00:00:00:00', inet: '127.0.0.1/8' }, { name: 'eth0', hwaddr: 'bc:24:11:aa:00:02', inet: '10.0.0.7/24', inet6: 'fe80::1/64' }] })).toEqual([
      { name: 'lo', mac: '000000000000', ipv4: ['127.0.0.1'] },
      { name: 'eth0', mac: 'BC2411AA0002', ipv4: ['10.0.0.7'] },
    ]);
  });

  it('a cluster address is https://host[:port], 8006 by default, with no user or path', () => {
    expect(parseClusterUrl('https://pve.example.com')).toEqual({ host: 'pve.example.com', port: 8006, url: 'https://pve.example.com' });
    expect(parseClusterUrl('https://10.0.0.2:8443/')).toEqual({ host: '10.0.0.2', port: 8443, url: 'https://10.0.0.2:8443' });
    expect(() => parseClusterUrl('http://pve:8006')).toThrow(/is not a Proxmox VE address/);
    expect(() => parseClusterUrl('https://root:secret@pve:8006')).toThrow(/no user in it/);
  });
});

describe('the API token file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-token-'));
  const file = (name: string, content: string, mode: number) => {
    const f = path.join(dir, name);
    writeFileSync(f, content);
    chmodSync(f, mode);
    return f;
  };
  it('is read when only its owner can read it and it holds a token', async () => {
    await expect(readTokenFile(file('ok.token', `${TOKEN}\n`, 0o600), 'linux')).resolves.toBe(TOKEN);
  });
  it('is refused when others can read it, or when it holds a password', async () => {
    await expect(readTokenFile(file('open.token', TOKEN, 0o644), 'linux')).rejects.toThrow(/can be read by others \(mode 644\)[\s\S]*chmod 600/);
    await expect(readTokenFile(file('password.token', 'root@pam:hunter2', 0o600), 'linux')).rejects.toThrow(/a password is never accepted/);
    await expect(readTokenFile(path.join(dir, 'missing.token'), 'linux')).rejects.toThrow(/cannot be read \(ENOENT\)[\s\S]*API Tokens/);
  });
});

describe('ProxmoxProvider over HTTPS', () => {
  let servers: FakeProxmox[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  const guests: FakeGuest[] = [
    { type: 'qemu', vmid: 101, name: 'p-web-1', node: 'pve1', status: 'running' },
    { type: 'lxc', vmid: 201, name: 'cache', node: 'pve2', status: 'running', lxc: [{ name: 'lo', hwaddr: '00:00:00:00:00:00', inet: '127.0.0.1/8' }, { name: 'eth0', hwaddr: 'bc:24:11:aa:00:02', inet: '10.0.0.7/24' }] },
    { type: 'qemu', vmid: 102, name: 'db', node: 'pve2', status: 'stopped' },
  ];
  async function setup(token = TOKEN, tls = selfSignedCert(), port?: number) {
    const server = await startFakeProxmox({ guests, token: TOKEN, tls, ...(port ? { port } : {}) });
    servers.push(server);
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-home-'));
    const pins = new FileHostKeyStore(path.join(home, 'tls_pins.json'));
    const firstUse: string[] = [];
    const client = new ProxmoxClient({ endpoint: parseClusterUrl(server.url), token, pins, onFirstUse: (fp) => firstUse.push(fp) });
    return { server, pins, firstUse, provider: new ProxmoxProvider(client, server.url) };
  }

  it('lists guests across nodes, reads a container\'s interfaces, and says a VM\'s agent is not running', async () => {
    const { provider, server } = await setup();
    const out = await provider.observe([ref('web', 'p-web-1', '101'), ref('cache', 'p-cache-1'), ref('db', 'db'), ref('gone', 'p-gone', '999')], NOW);
    expect(out.map((o) => [o.ref.machineName, o.found, o.power, o.tier, o.network?.ipv4 ?? null])).toEqual([
      ['web', true, 'running', null, null],
      ['cache', true, 'running', 'container', '10.0.0.7'],
      ['db', true, 'off', null, null],
      ['gone', false, 'missing', null, null],
    ]);
    expect(out[0]!.detail).toEqual({ provider: 'proxmox', where: 'pve1/101', kind: 'qemu', agent: { state: 'no answer', why: 'QEMU guest agent is not running' } });
    expect(out[0]!.warnings[0]!.text).toMatch(/QEMU guest agent did not answer \(QEMU guest agent is not running\): install qemu-guest-agent in the guest and enable the agent option/);
    // The stopped guest was not asked about; every request carried the token.
    expect(server.requests.map((r) => [r.path, r.authorized])).toEqual([
      ['/api2/json/cluster/resources?type=vm', true],
      ['/api2/json/nodes/pve1/qemu/101/agent/network-get-interfaces', true],
      ['/api2/json/nodes/pve2/lxc/201/interfaces', true],
    ]);
  });

  it('keeps its checked connections for the next requests: a pass over three guests is not four handshakes', async () => {
    const many: FakeGuest[] = [1, 2, 3].map((n) => ({ type: 'lxc', vmid: 200 + n, name: `ct${n}`, node: 'pve1', status: 'running', lxc: [{ name: 'eth0', hwaddr: `bc:24:11:aa:00:0${n}`, inet: `10.0.0.${n}/24` }] }));
    const server = await startFakeProxmox({ guests: many, token: TOKEN });
    servers.push(server);
    const pins = new FileHostKeyStore(path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-pve-home-')), 'tls_pins.json'));
    const provider = new ProxmoxProvider(new ProxmoxClient({ endpoint: parseClusterUrl(server.url), token: TOKEN, pins }), server.url);
    try {
      const refs = many.map((g) => ref(g.name, g.name));
      expect((await provider.observe(refs, NOW)).map((o) => o.network?.ipv4)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
      expect((await provider.observe(refs, NOW)).map((o) => o.network?.ipv4)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
      expect(server.requests).toHaveLength(8);
      expect(server.connections).toBeLessThanOrEqual(4);
    } finally {
      await provider.dispose();
    }
  });

  it('pins the certificate on first use, and refuses a changed one before sending the token', async () => {
    const { provider, server, firstUse, pins } = await setup();
    await provider.observe([ref('db', 'db')], NOW);
    expect(firstUse).toHaveLength(1);
    expect(JSON.parse(readFileSync(pins.file, 'utf8')).keys).toHaveProperty([`tls:127.0.0.1:${server.port}`, 'fingerprint'], firstUse[0]);
    await provider.observe([ref('db', 'db')], NOW);
    expect(firstUse).toHaveLength(1);

    // Another server (another certificate) where the cluster was.
    const port = server.port;
    await server.close();
    servers = [];
    const impostor = await startFakeProxmox({ guests, token: TOKEN, port });
    servers.push(impostor);
    await expect(provider.observe([ref('db', 'db')], NOW)).rejects.toThrow(/The TLS certificate of https:\/\/127\.0\.0\.1:\d+ changed \(pinned SHA256:.* now SHA256:.*\): the API token was not sent\.\nIf the cluster's certificate was renewed, remove the entry "tls:127\.0\.0\.1:\d+" from .*tls_pins\.json/);
    expect(impostor.requests).toEqual([]);
  });

  it('a refused or powerless token stops the pass with what to do', async () => {
    const wrong = await setup('tray@pve!ragnatramp=00000000-0000-4000-8000-000000000000');
    await expect(wrong.provider.observe([ref('db', 'db')], NOW)).rejects.toThrow(/refused the API token \(401 No ticket\)\.\nCheck the token file/);
    const denied = await setup();
    denied.server.mode = 'deny';
    await expect(denied.provider.observe([ref('db', 'db')], NOW)).rejects.toThrow(/denied the API token \(403 Permission check failed \(\/vms, VM\.Audit\)\)\.\nGive the token .* VM\.Audit and VM\.Monitor/);
  });
});

describe('a stored token given to the wrong provider', () => {
  // Seen in the app: the option check named the value, so the error the window showed held the token.
  it('is refused by its flag, never by its value', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-env-'));
    const err = await createEnvironment({ provider: 'libvirt', proxmoxTokenValue: TOKEN, knownHostsFile: path.join(home, 'kh.json') }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/is for another provider: it does not apply to --provider libvirt/);
    expect((err as Error).message).not.toContain('0b3c7a4e');
  });
});
