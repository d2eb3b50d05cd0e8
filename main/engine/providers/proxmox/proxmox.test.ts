// The Proxmox VE provider against a local HTTPS server that answers as pveproxy does, read from
// the upstream sources (dev/test-support/fake-proxmox.ts): tokens and their grammar, privileges by
// release, guests across nodes and on offline ones, the guest agent's and a container's
// interfaces matched to the guest's own MAC, refusals, and the cluster CA pinned so that renewed
// node certificates are accepted. The agent's answers from a real QEMU guest agent are
// dev/lab/proxmox-lab.test.ts's.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProxmox, type FakeGuest, type FakeProxmox, type FakeProxmoxOptions } from '../../../../dev/test-support/fake-proxmox.js';
import type { VmRef } from '../../discovery/observation.js';
import { FileHostKeyStore } from '../../ssh/known-hosts.js';
import { parseAgentInterfaces, parseConfigMacs, parseLxcInterfaces, parseResources } from './proxmox-api.js';
import { parseClusterUrl, ProxmoxClient } from './proxmox-client.js';
import { observeProxmox, type GuestRead } from './observe-proxmox.js';
import { ProxmoxProvider } from './proxmox-provider.js';
import { checkToken, readTokenFile } from './proxmox-token.js';
import { createEnvironment } from '../../environment.js';

const NOW = '2026-11-23T10:00:00.000Z';
const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
const ref = (machineName: string, vmName: string, vmId: string | null = null): VmRef => ({ project: 'p', machineName, vmName, vmId });

// The shape `pvesh get nodes/<node>/qemu/<vmid>/agent/network-get-interfaces` prints.
const AGENT_RESULT = [
  { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }, { 'ip-address': '::1', 'ip-address-type': 'ipv6', prefix: 128 }] },
  { name: 'ens18', 'hardware-address': 'bc:24:11:5e:0a:01', 'ip-addresses': [{ 'ip-address': '192.168.128.105', 'ip-address-type': 'ipv4', prefix: 24 }, { 'ip-address': 'fe80::be24:11ff:fe5e:a01', 'ip-address-type': 'ipv6', prefix: 64 }] },
];

describe('a running guest without an address says why, and what to do', () => {
  const guests = [{ type: 'qemu' as const, vmid: 101, name: 'web', node: 'pve1', status: 'running', uptime: 60, shape: '' }, { type: 'lxc' as const, vmid: 201, name: 'cache', node: 'pve2', status: 'running', uptime: 60, shape: '' }];
  const why = (vmid: number, read: GuestRead) => observeProxmox([ref(vmid === 101 ? 'web' : 'cache', vmid === 101 ? 'web' : 'cache')], { cluster: 'https://pve:8006', guests, release: 9, reads: new Map([[vmid, read]]) }, NOW)[0]!.warnings.map((w) => w.text);
  const eth0 = { name: 'eth0', mac: 'BC24115E0A01', ipv4: [] as string[] };
  it('each reason with its fix', () => {
    expect(why(201, { macs: ['BC24115E0A02'], interfaces: { error: 'command failed', denied: false } })).toEqual(['Guest is running but has no IPv4 yet: its interfaces could not be read (command failed): check the container on node pve2 (pct status 201).']);
    expect(why(101, { macs: null, configError: { error: 'Permission check failed (/vms/101, VM.Audit)', denied: true }, interfaces: [eth0] })).toEqual(['Guest is running but has no IPv4 yet: its config (the MAC of its net0) could not be read (Permission check failed (/vms/101, VM.Audit)), so no interface can be told to be its own: give the token VM.Audit on /vms/101.']);
    expect(why(101, { macs: null, configError: { error: 'got timeout', denied: false }, interfaces: [eth0] })).toEqual(['Guest is running but has no IPv4 yet: its config (the MAC of its net0) could not be read (got timeout), so no interface can be told to be its own: check the guest on node pve1 (qm config 101).']);
    expect(why(101, { macs: [], interfaces: [eth0] })).toEqual(['Guest is running but has no IPv4 yet: its config has no network device (no netN): add one (Hardware → Add → Network Device).']);
    expect(why(101, { macs: ['BC24115E0A09'], interfaces: [eth0] })).toEqual(['Guest is running but has no IPv4 yet: no interface it reports has its own MAC (BC24115E0A09): check that the guest uses the NIC of its netN entries, and not a device passed through to it.']);
    expect(why(101, { macs: ['BC24115E0A01'], interfaces: [eth0] })).toEqual(['Guest is running but has no IPv4 yet: it reports no IPv4 on its own NIC yet.']);
     expect(observeProxmox([ref('web', 'web'), ref('new', 'p-new-1')], { cluster: 'https://pve:8006', guests, release: 9, reads: new Map() }, NOW)[1]!.warnings.map((w) => w.text)).toEqual(["Machine 'new' has no guest named 'p-new-1' or 'new' in the Proxmox VE cluster at https://pve:8006: create one with either name, or give the project the cluster that has it."]);
  });
});

describe("the Proxmox VE API's answers", () => {
  it('guests across nodes, templates left out; agent and container interfaces', () => {
    expect(parseResources({ data: [{ id: 'qemu/101', type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'running', template: 0, uptime: 4242, maxmem: 201326592 }, { id: 'lxc/201', type: 'lxc', vmid: 201, name: 'cache', node: 'pve2', status: 'stopped' }, { id: 'qemu/900', type: 'qemu', vmid: 900, name: 'tmpl', node: 'pve1', status: 'stopped', template: 1 }, { id: 'storage/pve1/local', type: 'storage' }] })).toEqual([
      { type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'running', uptime: 4242, shape: '["web",201326592,null,null,null,null]' },
      { type: 'lxc', vmid: 201, name: 'cache', node: 'pve2', status: 'stopped', uptime: null, shape: '["cache",null,null,null,null,null]' },
    ]);
    // A node offline over 5 minutes: no name, no template (pve-manager PVE/API2Tools.pm:81-91).
    expect(parseResources({ data: [{ id: 'qemu/103', vmid: 103, node: 'pve3', type: 'qemu', status: 'unknown' }] })).toEqual([{ type: 'qemu', vmid: 103, name: null, node: 'pve3', status: 'unknown', uptime: null, shape: '[null,null,null,null,null,null]' }]);
    expect(parseAgentInterfaces({ data: { result: AGENT_RESULT } })).toEqual([
      { name: 'lo', mac: '000000000000', ipv4: ['127.0.0.1'] },
      { name: 'ens18', mac: 'BC24115E0A01', ipv4: ['192.168.128.105'] },
    ]);
    expect(parseLxcInterfaces({ data: [{ name: 'lo', hwaddr: '00:00:00:00:00:00', inet: '127.0.0.1/8' }, { name: 'eth0', hwaddr: 'bc:24:11:aa:00:02', inet: '10.0.0.7/24', inet6: 'fe80::1/64' }] })).toEqual([
      { name: 'lo', mac: '000000000000', ipv4: ['127.0.0.1'] },
      { name: 'eth0', mac: 'BC2411AA0002', ipv4: ['10.0.0.7'] },
    ]);
  });

  it("a container's addresses are its ip-addresses list: the deprecated inet holds only the last IPv4", () => {
    // As pve-container src/PVE/LXC.pm:1278-1298 builds it from `ip --json a`.
    const eth0 = { name: 'eth0', hwaddr: 'bc:24:11:aa:00:02', 'hardware-address': 'bc:24:11:aa:00:02', inet: '10.0.0.9/24', inet6: 'fe80::1/64', 'ip-addresses': [{ 'ip-address-type': 'inet', 'ip-address': '10.0.0.7', prefix: 24 }, { 'ip-address-type': 'inet', 'ip-address': '10.0.0.9', prefix: 24 }, { 'ip-address-type': 'inet6', 'ip-address': 'fe80::1', prefix: 64 }] };
    expect(parseLxcInterfaces({ data: [eth0] })).toEqual([{ name: 'eth0', mac: 'BC2411AA0002', ipv4: ['10.0.0.7', '10.0.0.9'] }]);
    // A stopped container: 200 {"data":null} (LXC.pm:1265-1266).
    expect(parseLxcInterfaces({ data: null })).toEqual([]);
  });

  it("a guest's own MACs come from its config's netN entries", () => {
    expect(parseConfigMacs({ data: { name: 'web', net1: 'e1000=BC:24:11:00:00:02,bridge=vmbr1', net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1', agent: '1' } })).toEqual(['BC2411000001', 'BC2411000002']);
    expect(parseConfigMacs({ data: { hostname: 'ct', net0: 'name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:00:02,ip=dhcp,type=veth' } })).toEqual(['BC2411AA0002']);
  });

  it('a cluster address is https://host[:port], 8006 by default, with no user or path', () => {
    expect(parseClusterUrl('https://pve.example.com')).toEqual({ host: 'pve.example.com', port: 8006, url: 'https://pve.example.com' });
    expect(parseClusterUrl('https://10.0.0.2:8443/')).toEqual({ host: '10.0.0.2', port: 8443, url: 'https://10.0.0.2:8443' });
    expect(() => parseClusterUrl('http://pve:8006')).toThrow(/is not a Proxmox VE address/);
    expect(() => parseClusterUrl('https://root:secret@pve:8006')).toThrow(/no user in it/);
    // 443 written out is 443 (a cluster behind a reverse proxy), though URL drops https's default port.
    expect(parseClusterUrl('https://pve.example.com:443')).toEqual({ host: 'pve.example.com', port: 443, url: 'https://pve.example.com:443' });
    expect(parseClusterUrl('https://[fd00::5]:443/')).toMatchObject({ host: 'fd00::5', port: 443 });
    expect(parseClusterUrl('https://[fd00::5]')).toMatchObject({ host: 'fd00::5', port: 8006 });
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
  it('accepts every token id PVE accepts: a user part holding @ (an LDAP or OpenID user), realm and token name of PVE\'s grammar', () => {
    // pve-access-control src/PVE/AccessControl.pm:280-284, src/PVE/Auth/Plugin.pm:34-35.
    const secret = '0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
    for (const id of ['alice@example.com@corp-ldap!tray', 'tray@pve!ragnatramp', 'svc.tray+ops@pam!ci_2']) expect(checkToken(`${id}=${secret}`)).toBe(`${id}=${secret}`);
    for (const id of ['tray@pve!t', 'tray@p!tray', 'tr/ay@pve!tray', 'tray@pve!9tray', 'tray:x@pve!tray']) expect(() => checkToken(`${id}=${secret}`), id).toThrow(/not an API token.*give it VM\.Audit and VM\.GuestAgent\.Audit on \/vms \(Proxmox VE 9; VM\.Audit and VM\.Monitor on Proxmox VE 8\)/);
  });

  it('is refused when others can read it, or when it holds a password', async () => {
    await expect(readTokenFile(file('open.token', TOKEN, 0o644), 'linux')).rejects.toThrow(/can be read by others \(mode 644\)[\s\S]*chmod 600/);
    await expect(readTokenFile(file('password.token', 'root@pam:hunter2', 0o600), 'linux')).rejects.toThrow(/a password is never accepted/);
    await expect(readTokenFile(path.join(dir, 'missing.token'), 'linux')).rejects.toThrow(/cannot be read \(ENOENT\)[\s\S]*API Tokens; it needs VM\.Audit and VM\.GuestAgent\.Audit on \/vms \(Proxmox VE 9; VM\.Audit and VM\.Monitor on Proxmox VE 8\)/);
  });
});

describe('ProxmoxProvider over HTTPS', () => {
  let servers: FakeProxmox[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  const guests: FakeGuest[] = [
    { type: 'qemu', vmid: 101, name: 'p-web-1', node: 'pve1', status: 'running', mac: 'bc:24:11:5e:0a:01' },
    { type: 'lxc', vmid: 201, name: 'cache', node: 'pve2', status: 'running', mac: 'bc:24:11:aa:00:02', lxc: [{ name: 'eth0', mac: 'bc:24:11:aa:00:02', addresses: ['10.0.0.7/24', '10.0.0.9/24', 'fe80::be24:11ff:feaa:2/64'] }] },
    { type: 'qemu', vmid: 102, name: 'db', node: 'pve2', status: 'stopped', mac: 'bc:24:11:5e:0a:02' },
  ];
  async function setup(options: Partial<FakeProxmoxOptions> & { clientToken?: string } = {}) {
    const server = await startFakeProxmox({ guests, token: TOKEN, ...options });
    servers.push(server);
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-home-'));
    const pins = new FileHostKeyStore(path.join(home, 'tls_pins.json'));
    const firstUse: string[] = [];
    const renewed: string[] = [];
    const client = new ProxmoxClient({ endpoint: parseClusterUrl(server.url), token: options.clientToken ?? TOKEN, pins, onFirstUse: (fp) => firstUse.push(fp), onRenewed: (fp, why) => renewed.push(`${fp} ${why}`) });
    return { server, pins, firstUse, renewed, provider: new ProxmoxProvider(client, server.url) };
  }

  it("lists guests across nodes, reads a container's addresses, and says a VM's agent is not running", async () => {
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
      // Once, after the first answer over the pinned connection: the CA that signs its certificate.
      ['/api2/json/nodes/localhost/certificates/info', true],
      ['/api2/json/version', true],
      ['/api2/json/nodes/pve1/qemu/101/config', true],
      ['/api2/json/nodes/pve1/qemu/101/agent/network-get-interfaces', true],
      ['/api2/json/nodes/pve2/lxc/201/config', true],
      ['/api2/json/nodes/pve2/lxc/201/interfaces', true],
    ]);
  });

  it("takes the address on the VM's own NIC (its net0 MAC), never a bridge the guest made (docker0)", async () => {
    const docker: FakeGuest = {
      type: 'qemu', vmid: 105, name: 'dock', node: 'pve1', status: 'running', mac: 'bc:24:11:5e:0a:05',
      agentResult: [
        { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }] },
        { name: 'docker0', 'hardware-address': '02:42:5c:11:22:33', 'ip-addresses': [{ 'ip-address': '172.17.0.1', 'ip-address-type': 'ipv4', prefix: 16 }] },
        { name: 'ens18', 'hardware-address': 'bc:24:11:5e:0a:05', 'ip-addresses': [{ 'ip-address': '127.0.0.9', 'ip-address-type': 'ipv4', prefix: 8 }, { 'ip-address': '192.168.128.105', 'ip-address-type': 'ipv4', prefix: 24 }] },
      ],
    };
    const { provider } = await setup({ guests: [docker] });
    const [o] = await provider.observe([ref('dock', 'dock')], NOW);
    expect([o!.tier, o!.network?.ipv4, o!.network?.mac, o!.network?.adapterName]).toEqual(['agent', '192.168.128.105', 'BC24115E0A05', 'ens18']);
  });

  it('names the privileges of the cluster\'s release: a 403 on the agent says the token lacks VM.GuestAgent.Audit (PVE 9) or VM.Monitor (PVE 8)', async () => {
    const agentless = { ...guests[0]!, agentResult: [] };
    const pve9 = await setup({ guests: [agentless], privileges: { 101: ['VM.Audit'] } });
    const [o9] = await pve9.provider.observe([ref('web', 'p-web-1', '101')], NOW);
    expect(o9!.detail).toMatchObject({ agent: { state: 'no answer', why: 'Permission check failed (/vms/101, VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted)' } });
    expect(o9!.warnings[0]!.text).toMatch(/the token lacks VM\.GuestAgent\.Audit on \/vms\/101/);
    expect(o9!.warnings[0]!.text).not.toMatch(/install qemu-guest-agent/);
    const pve8 = await setup({ guests: [agentless], release: '8.4', privileges: { 101: ['VM.Audit'] } });
    const [o8] = await pve8.provider.observe([ref('web', 'p-web-1', '101')], NOW);
    expect(o8!.warnings[0]!.text).toMatch(/the token lacks VM\.Monitor on \/vms\/101 \(Permission check failed \(\/vms\/101, VM\.Monitor\)\)/);
    // PVE 9 refuses a role naming VM.Monitor (pve-access-control src/PVE/AccessControl.pm:1235).
    await expect(startFakeProxmox({ guests, token: TOKEN, privileges: { 101: ['VM.Audit', 'VM.Monitor'] } })).rejects.toThrow(/invalid privilege 'VM.Monitor'/);
    // An agent not enabled in the VM's options.
    const off = await setup({ guests: [{ ...guests[0]!, agent: false }] });
    const [o] = await off.provider.observe([ref('web', 'p-web-1', '101')], NOW);
    expect(o!.warnings[0]!.text).toMatch(/did not answer \(No QEMU guest agent configured\): install qemu-guest-agent in the guest and enable the agent option/);
  });

  it('a token that sees none of the project\'s guests is said to lack VM.Audit on /vms (the list answers 200, filtered)', async () => {
    const { provider } = await setup({ privileges: { 101: [], 201: [], 102: [] } });
    const out = await provider.observe([ref('web', 'p-web-1', '101'), ref('db', 'db')], NOW);
    expect(out.map((o) => [o.power, o.warnings[0]!.code])).toEqual([['missing', 'vm-missing'], ['missing', 'not-created']]);
    for (const o of out) expect(o.warnings[0]!.text).toMatch(/None of this project's guests is visible to the API token: it may lack VM\.Audit on \/vms/);
  });

  it('guests of a node offline over 5 minutes are "unknown (node offline)", matched by vmid, never missing', async () => {
    const { provider, server } = await setup({ offlineNodes: ['pve2'] });
    const out = await provider.observe([ref('cache', 'cache', 'lxc/201'), ref('db', 'db'), ref('web', 'p-web-1', '101')], NOW);
    expect(out.map((o) => [o.ref.machineName, o.found, o.power, o.vmState])).toEqual([
      ['cache', true, 'unknown', 'unknown (node offline)'],
      ['db', false, 'missing', 'missing'],
      ['web', true, 'running', 'running'],
    ]);
    expect(out[0]!.warnings[0]!.text).toBe('Guest 201 is on node pve2, which has been offline for over 5 minutes: its state is unknown until the node is back. Bring pve2 back, or see why it left the cluster (pvecm status on another node).');
    expect(out[1]!.warnings[0]!.text).toMatch(/2 guest\(s\) on offline nodes have no name until their node is back/);
    expect(server.requests.some((r) => r.path.includes('/nodes/pve2/'))).toBe(false);
  });

  it('a node that cannot be reached (595, empty body) fails its guests only; an old pveproxy\'s bodies without `message` still say why', async () => {
    const { provider } = await setup({ unreachableNodes: ['pve2'], noMessageField: true });
    const out = await provider.observe([ref('web', 'p-web-1', '101'), ref('cache', 'cache')], NOW);
    expect(out.map((o) => [o.power, o.detail])).toEqual([
      ['running', { provider: 'proxmox', where: 'pve1/101', kind: 'qemu', agent: { state: 'no answer', why: 'QEMU guest agent is not running' } }],
      ['running', { provider: 'proxmox', where: 'pve2/201', kind: 'lxc', agent: { state: 'no answer', why: 'Connection refused' } }],
    ]);
    // The guest's agent is not to blame when its node cannot be reached: the warning names the node.
    expect(out[1]!.warnings.map((w) => w.text)).toEqual(['Guest is running but has no IPv4 yet: its node pve2 could not be reached from the node the tray asks (Connection refused): check that pve2 is up and in the cluster (pvecm status).']);
  });

  it('keeps its checked connections for the next requests: a pass over three guests is not one handshake each', async () => {
    const many: FakeGuest[] = [1, 2, 3].map((n) => ({ type: 'lxc', vmid: 200 + n, name: `ct${n}`, node: 'pve1', status: 'running', mac: `bc:24:11:aa:00:0${n}`, lxc: [{ name: 'eth0', mac: `bc:24:11:aa:00:0${n}`, addresses: [`10.0.0.${n}/24`] }] }));
    const { provider, server } = await setup({ guests: many });
    try {
      const refs = many.map((g) => ref(g.name, g.name));
      expect((await provider.observe(refs, NOW)).map((o) => o.network?.ipv4)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
      expect((await provider.observe(refs, NOW)).map((o) => o.network?.ipv4)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
      // Two passes: the list twice, /version and the CA once, a config and the interfaces per guest
      // in the first; the second finds every guest in the same boot and config, and asks none.
      expect(server.requests).toHaveLength(2 + 1 + 1 + 2 * 3);
      expect(server.connections).toBeLessThanOrEqual(4);
    } finally {
      await provider.dispose();
    }
  });

  it('pins the node certificate and the cluster CA on first use; a renewed or another node\'s certificate the CA signs is accepted', async () => {
    const { provider, server, firstUse, renewed, pins } = await setup();
    await provider.observe([ref('db', 'db')], NOW);
    expect(firstUse).toEqual([server.fingerprint('pve1')]);
    const kept = JSON.parse(readFileSync(pins.file, 'utf8')).keys;
    expect(kept).toHaveProperty([`tls:127.0.0.1:${server.port}`, 'fingerprint'], firstUse[0]);
    expect(kept).toHaveProperty([`tls-ca:127.0.0.1:${server.port}`, 'key']);
    await provider.dispose();

    // pveupdate renewed pve1's certificate (pve-manager bin/pveupdate:137-145): the same CA signs it.
    server.renew('pve1');
    expect((await provider.observe([ref('db', 'db')], NOW))[0]!.found).toBe(true);
    expect(renewed).toEqual([`${server.fingerprint('pve1')} signed by the pinned cluster CA`]);
    await provider.dispose();
    // The address now answered by another node, with its own certificate (pve-cluster Setup.pm:493).
    server.serveAs('pve2');
    expect((await provider.observe([ref('db', 'db')], NOW))[0]!.found).toBe(true);
    expect(renewed).toHaveLength(2);
    expect(firstUse).toHaveLength(1);
  });

  it('refuses a certificate the pinned CA does not sign, before sending the token, and says what to check', async () => {
    const { provider, server } = await setup();
    await provider.observe([ref('db', 'db')], NOW);
    await provider.dispose();
    server.serveForeign();
    const before = server.requests.length;
    await expect(provider.observe([ref('db', 'db')], NOW)).rejects.toThrow(/The TLS certificate of https:\/\/127\.0\.0\.1:\d+ changed \(pinned SHA256:.* now SHA256:.*\) and the pinned cluster CA does not sign it: the API token was not sent\.\nCheck on the node \(pvenode cert info\) that this fingerprint is its certificate; .*remove the entries "tls:127\.0\.0\.1:\d+" and "tls-ca:127\.0\.0\.1:\d+" from .*tls_pins\.json/);
    expect(server.requests.length).toBe(before);
  });

  it('a refused token stops the pass with what to do, after pveproxy\'s 3 s, with the reason from the status line (no body)', async () => {
    const wrong = await setup({ clientToken: 'tray@pve!ragnatramp=00000000-0000-4000-8000-000000000000' });
    await expect(wrong.provider.observe([ref('db', 'db')], NOW)).rejects.toThrow(/refused the API token \(401 Authentication failed!\)\.\nCheck the token file/);
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
