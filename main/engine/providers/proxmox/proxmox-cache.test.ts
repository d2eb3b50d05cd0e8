// Proves a Proxmox VE pass asks only what can have changed, counted at a local server answering as
// pveproxy does: a steady pass over 500 guests is one request; a guest's remembered read is dropped
// when it starts again (its uptime went back), when its config changed (its digest), when the
// address it gave stops answering SSH (heard from the pass's own probes), and on the slow refresh
// (due at once when this machine's clock was set back);
// guests are read a few per node and a dozen overall; one hung guest or node holds up only itself.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProxmox, type FakeGuest, type FakeProxmox, type FakeProxmoxOptions } from '../../../../dev/test-support/fake-proxmox.js';
import type { Project } from '../../config/load-project.js';
import type { VmRef } from '../../discovery/observation.js';
import { inspectProjects } from '../../inspect.js';
import { FileHostKeyStore } from '../../ssh/known-hosts.js';
import { parseClusterUrl, ProxmoxClient } from './proxmox-client.js';
import { OVERALL, PER_NODE, ProxmoxProvider, type ProxmoxProviderOptions } from './proxmox-provider.js';

const NOW = '2026-12-05T08:00:00.000Z';
const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
const mac = (n: number) => `bc:24:11:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
/** The guest agent's answer for a guest at this address (the shape pvesh prints). */
const agent = (n: number, ipv4: string) => [{ name: 'ens18', 'hardware-address': mac(n), 'ip-addresses': [{ 'ip-address': ipv4, 'ip-address-type': 'ipv4', prefix: 16 }] }];
const guest = (n: number, nodes = 5): FakeGuest => ({ type: 'qemu', vmid: 1000 + n, name: `g${n}`, node: `pve${(n % nodes) + 1}`, status: 'running', mac: mac(n), agentResult: agent(n, `10.1.${n >> 8}.${n & 0xff}`) });
const ref = (g: FakeGuest): VmRef => ({ project: 'p', machineName: g.name, vmName: g.name, vmId: String(g.vmid) });
/** The paths asked since the last resetCounts. */
const guestCalls = (server: FakeProxmox) => server.requests.map((r) => r.path.replace(/^\/api2\/json/, ''));

let servers: FakeProxmox[] = [];
let providers: ProxmoxProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.map((p) => p.dispose()));
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  providers = [];
});

async function setup(guests: FakeGuest[], options: Partial<FakeProxmoxOptions> = {}, providerOptions: ProxmoxProviderOptions = {}, clientTimeoutMs?: number) {
  // One clock for the cluster's uptimes and the tray's own, moved by the test.
  let clock = Date.now();
  const server = await startFakeProxmox({ guests, token: TOKEN, clock: () => clock, ...options });
  servers.push(server);
  const home = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-scale-'));
  const client = new ProxmoxClient({ endpoint: parseClusterUrl(server.url), token: TOKEN, pins: new FileHostKeyStore(path.join(home, 'tls_pins.json')), maxSockets: OVERALL, ...(clientTimeoutMs ? { timeoutMs: clientTimeoutMs } : {}) });
  const provider = new ProxmoxProvider(client, server.url, { clock: () => clock, ...providerOptions });
  providers.push(provider);
  return { server, provider, advance: (ms: number) => (clock += ms) };
}

describe('a steady pass asks the cluster once', () => {
  it('500 running guests: the first pass reads each (a few per node, a dozen overall); the next is one /cluster/resources', async () => {
    const guests = Array.from({ length: 500 }, (_, n) => guest(n));
    const { server, provider } = await setup(guests, { latencyMs: 2 });
    const refs = guests.map(ref);
    const first = await provider.observe(refs, NOW);
    expect(first.filter((o) => o.network?.ipv4).length).toBe(500);
    expect(first[257]!.network?.ipv4).toBe('10.1.1.1');
    // The list, /version, the CA, then a config and the agent per guest.
    expect(server.requests).toHaveLength(3 + 2 * 500);
    expect(server.maxInFlight).toBeLessThanOrEqual(OVERALL);
    expect(server.maxInFlight).toBeGreaterThan(PER_NODE); // nodes are asked side by side
    for (const [node, most] of server.maxInFlightByNode) expect(most, node).toBeLessThanOrEqual(PER_NODE);
    server.resetCounts();
    const steady = await provider.observe(refs, NOW);
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm']);
    expect(steady.map((o) => o.network?.ipv4)).toEqual(first.map((o) => o.network?.ipv4));
  });
});

describe("a guest's remembered read is dropped", () => {
  const three = () => [guest(1, 2), guest(2, 2), guest(3, 2)];

  it('when it starts again: its uptime went back, so its agent is asked (and only that guest)', async () => {
    const guests = three();
    const { server, provider } = await setup(guests);
    await provider.observe(guests.map(ref), NOW);
    server.reconfigure(1002, { agentResult: agent(2, '10.1.0.99') }); // a new lease at its next boot
    server.resetCounts();
    expect((await provider.observe(guests.map(ref), NOW))[1]!.network?.ipv4).toBe('10.1.0.2'); // same boot: the remembered read
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm']);
    server.restart(1002);
    server.resetCounts();
    const out = await provider.observe(guests.map(ref), NOW);
    expect(out.map((o) => o.network?.ipv4)).toEqual(['10.1.0.1', '10.1.0.99', '10.1.0.3']);
    // Its interfaces still show a MAC of its config: the config is not read again.
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm', '/nodes/pve1/qemu/1002/agent/network-get-interfaces']);
  });

  it('when a new boot comes after a long gap: its uptime is higher than the one remembered, but that boot began later', async () => {
    const guests = three();
    const { server, provider, advance } = await setup(guests, {}, { refreshMs: 24 * 3_600_000 });
    await provider.observe(guests.map(ref), NOW); // uptime 4242 s
    advance(3 * 3_600_000); // the laptop slept 3 hours
    server.resetCounts();
    await provider.observe(guests.map(ref), NOW);
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm']); // 3 hours on, the same boots
    advance(3 * 3_600_000);
    server.restart(1003, 5_000); // it restarted 5000 s ago: uptime 5000 > 4242
    server.resetCounts();
    await provider.observe(guests.map(ref), NOW);
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm', '/nodes/pve2/qemu/1003/agent/network-get-interfaces']);
  });

  it('when its config changed: the shown memory moved, the digest differs, so its config and agent are read and its new NIC found', async () => {
    const guests = three();
    const { server, provider } = await setup(guests);
    await provider.observe(guests.map(ref), NOW);
    server.reconfigure(1001, { memory: 512, mac: 'bc:24:11:99:00:01', agentResult: [{ name: 'ens19', 'hardware-address': 'bc:24:11:99:00:01', 'ip-addresses': [{ 'ip-address': '10.9.0.1', 'ip-address-type': 'ipv4', prefix: 24 }] }] });
    server.resetCounts();
    const out = await provider.observe(guests.map(ref), NOW);
    expect(out[0]!.network).toMatchObject({ ipv4: '10.9.0.1', mac: 'BC2411990001' });
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm', '/nodes/pve2/qemu/1001/config', '/nodes/pve2/qemu/1001/agent/network-get-interfaces']);
  });

  it('on the slow refresh: a change /cluster/resources cannot show (only its MAC) is found within minutes', async () => {
    const guests = three();
    const { server, provider, advance } = await setup(guests, {}, { refreshMs: 5 * 60_000 });
    await provider.observe(guests.map(ref), NOW);
    server.reconfigure(1001, { mac: 'bc:24:11:99:00:01', agentResult: [{ name: 'ens19', 'hardware-address': 'bc:24:11:99:00:01', 'ip-addresses': [{ 'ip-address': '10.9.0.1', 'ip-address-type': 'ipv4', prefix: 24 }] }] });
    advance(60_000);
    server.resetCounts();
    expect((await provider.observe(guests.map(ref), NOW))[0]!.network?.ipv4).toBe('10.1.0.1');
    expect(server.requests).toHaveLength(1);
    advance(5 * 60_000);
    server.resetCounts();
    expect((await provider.observe(guests.map(ref), NOW))[0]!.network?.ipv4).toBe('10.9.0.1');
    expect(guestCalls(server)).toContain('/nodes/pve2/qemu/1001/config');
  });

  it("when this machine's clock was set back: the refresh comes now, not an hour late", async () => {
    const guests = three();
    // Only the tray's clock goes back: the cluster's uptimes count on as before.
    let tray = Date.now();
    const { server, provider } = await setup(guests, {}, { refreshMs: 5 * 60_000, clock: () => tray });
    await provider.observe(guests.map(ref), NOW);
    server.reconfigure(1001, { mac: 'bc:24:11:99:00:01', agentResult: [{ name: 'ens19', 'hardware-address': 'bc:24:11:99:00:01', 'ip-addresses': [{ 'ip-address': '10.9.0.1', 'ip-address-type': 'ipv4', prefix: 24 }] }] });
    tray -= 3_600_000;
    server.resetCounts();
    expect((await provider.observe(guests.map(ref), NOW))[0]!.network?.ipv4).toBe('10.9.0.1');
    expect(guestCalls(server)).toContain('/nodes/pve2/qemu/1001/config');
  });

  it("when the address it gave stops answering SSH: the pass's own probe tells the provider, and the next pass asks its agent", async () => {
    const guests = three();
    const { server, provider } = await setup(guests);
    // 10.1.0.3 never answers (no sshd yet): it is not asked about every pass.
    const answering = new Set(['10.1.0.1', '10.1.0.2']);
    const project: Project = { name: 'p', configPath: '/p/ragnatramp.yaml', statePath: '/p/.ragnatramp/state.json', config: {} as never, machines: guests.map((g) => ({ name: g.name, ssh: { user: 'u', privateKeyPath: '/k' } })), state: null, warnings: [], vms: guests.map(ref) };
    const deps = { provider, probe: async (ip: string) => answering.has(ip), connector: { connect: async () => Promise.reject(new Error('no SSH here')) } };
    const pass = async () => (await inspectProjects(deps, [project], { waitMs: 0, pollMs: 1000 })).plan.projects[0]!.vms.map((r) => r.ipv4);
    expect(await pass()).toEqual(['10.1.0.1', '10.1.0.2', '10.1.0.3']);
    // The guest renumbered (DHCP): its old address goes silent.
    server.reconfigure(1002, { agentResult: agent(2, '10.1.0.42') });
    answering.delete('10.1.0.2');
    answering.add('10.1.0.42');
    server.resetCounts();
    expect(await pass()).toEqual(['10.1.0.1', '10.1.0.2', '10.1.0.3']); // still remembered: only the probe saw it go
    expect(server.requests).toHaveLength(1);
    server.resetCounts();
    expect(await pass()).toEqual(['10.1.0.1', '10.1.0.42', '10.1.0.3']);
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm', '/nodes/pve1/qemu/1002/agent/network-get-interfaces']);
    server.resetCounts();
    await pass();
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm']);
  });

  it('when it stopped: it is read afresh once it runs again', async () => {
    const guests = three();
    const { server, provider } = await setup(guests);
    await provider.observe(guests.map(ref), NOW);
    guests[0]!.status = 'stopped';
    expect((await provider.observe(guests.map(ref), NOW))[0]!.power).toBe('off');
    server.restart(1001);
    server.resetCounts();
    await provider.observe(guests.map(ref), NOW);
    expect(guestCalls(server)).toEqual(['/cluster/resources?type=vm', '/nodes/pve2/qemu/1001/config', '/nodes/pve2/qemu/1001/agent/network-get-interfaces']);
  });
});

describe('one hung guest or node holds up only itself', () => {
  it("a guest whose agent never answers misses its own deadline; the others' addresses come with the pass", async () => {
    const guests = [guest(1, 2), { ...guest(2, 2), agentHangs: true }, guest(3, 2)];
    const { provider } = await setup(guests, {}, { guestRequestMs: 300 }, 1_000);
    const out = await provider.observe(guests.map(ref), NOW);
    expect(out.map((o) => o.network?.ipv4 ?? null)).toEqual(['10.1.0.1', null, '10.1.0.3']);
    expect(out[1]!.detail).toMatchObject({ agent: { state: 'no answer', why: expect.stringMatching(/did not answer properly: no full answer within 0\.3 s \(\/nodes\/pve1\/qemu\/1002\/agent\/network-get-interfaces\)$/) } });
  });

  it('a node whose calls hang is given up on after two deadlines in a pass, not asked once per guest', async () => {
    const guests = [...Array.from({ length: 9 }, (_, n) => ({ ...guest(n, 1), node: 'slow', agentHangs: true })), guest(20, 1)];
    const { provider, server } = await setup(guests, {}, { guestRequestMs: 300 }, 1_000);
    const out = await provider.observe(guests.map(ref), NOW);
    // A node's calls at once (3) are sent; once two have missed their deadline, no more are:
    // at most one more left before the second miss was known. Those not sent say why.
    const sent = server.requests.filter((r) => r.path.includes('/nodes/slow/') && r.path.includes('/agent/')).length;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(sent).toBeLessThanOrEqual(4);
    expect(out.at(-1)!.network?.ipv4).toBe('10.1.0.20');
    expect(out.filter((o) => o.warnings.some((w) => /node slow missed 2 deadlines this pass/.test(w.text)))).toHaveLength(9 - sent);
  });
});
