// One inspection pass: the DHCP wait, ARP disambiguation and seed 003's cached tier, and how many connections it opens at once.
import { describe, expect, it } from 'vitest';
import { loadProject } from './config/load-project.js';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { HyperVProvider } from './providers/hyperv/hyperv-provider.js';
import { fixedScenario } from './simulator/scenario-source.js';
import { SimulatedPowerShell } from './simulator/simulated-powershell.js';
import type { Scenario } from './simulator/scenario.js';
import { inspectProjects, observeWithWait, type EngineDeps } from './inspect.js';
import { SimulatedGuests } from './simulator/simulated-network.js';
import { fingerprintOf, type HostKeyStore } from './ssh/known-hosts.js';

const trustAll: HostKeyStore = { verify: async () => ({ kind: 'trusted' }), forget: async () => false, pinned: async () => undefined };
/** A guest's host key, and a pin store holding one fingerprint for one alias. */
const key = (seed: string) => Buffer.from(seed);
const pins = (alias: string, fingerprint: string | null): HostKeyStore => ({ ...trustAll, pinned: async (a) => (a === alias && fingerprint ? { keyType: 'ssh-ed25519', fingerprint, firstSeen: '2026-11-01T00:00:00.000Z', host: '172.18.0.9' } : undefined) });

/** A fake clock: sleep advances time instantly, so a 60 s wait runs in microseconds. */
function deps(scenario: Scenario) {
  let t = Date.parse('2026-11-22T10:00:00.000Z');
  const slept: number[] = [];
  const powershell = new SimulatedPowerShell(fixedScenario(scenario), { timeoutMs: 1000 });
  const guests = new SimulatedGuests(fixedScenario(scenario), trustAll);
  const d: EngineDeps = {
    provider: new HyperVProvider(powershell),
    probe: guests.probe,
    connector: guests.connector,
    now: () => new Date(t),
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
  return { d, powershell, slept };
}

const scenario: Scenario = {
  vms: [
    { name: 'p-web-a1b2c3d4', adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.2'], ipAfterPolls: 2 }] },
    { name: 'p-db-a1b2c3d4', adapters: [{ mac: '00155D000002', ipAddresses: ['172.18.0.3'] }] },
    { name: 'p-off-a1b2c3d4', state: 'Off', adapters: [{ mac: '00155D000003' }] },
    { name: 'p-saved-a1b2c3d4', state: 'Saved', adapters: [{ mac: '00155D000004' }] },
  ],
};

async function refs() {
  const f = makeFixture({ project: 'p', machines: ['web', 'db', 'off', 'saved'], vms: [{ machine: 'web' }, { machine: 'db' }, { machine: 'off' }, { machine: 'saved' }] });
  return (await loadProject(f.configPath)).vms;
}

describe('observeWithWait: the DHCP wait', () => {
  it('polls running VMs without an IPv4 every poll interval, one invocation per pass, until they have one', async () => {
    const { d, powershell, slept } = deps(scenario);
    const passes: Array<[number, string[]]> = [];
    const result = await observeWithWait(d, await refs(), { waitMs: 60_000, pollMs: 3000, onPass: (n, pending) => passes.push([n, pending]) });
    expect(result.find((o) => o.ref.machineName === 'web')!.network?.ipv4).toBe('172.18.0.2');
    expect(powershell.invocations).toBe(3);
    expect(slept).toEqual([3000, 3000]);
    // Off and Saved VMs are never waited for; only web is asked about again.
    expect(passes).toEqual([[0, ['db', 'off', 'saved', 'web']], [1, ['web']], [2, ['web']]]);
  });

  it('gives up at the wait limit and reports the VM as still without an IPv4', async () => {
    const never: Scenario = { vms: [{ name: 'p-web-a1b2c3d4', kvp: 'No Contact', adapters: [{ mac: '00155D000001' }] }] };
    const { d, powershell, slept } = deps(never);
    const result = await observeWithWait(d, (await refs()).filter((r) => r.machineName === 'web'), { waitMs: 10_000, pollMs: 3000 });
    expect(result[0]!.network?.ipv4).toBeNull();
    expect(slept).toEqual([3000, 3000, 3000, 1000]);
    expect(powershell.invocations).toBe(5);
  });

  it('with no wait asked, makes exactly one pass', async () => {
    const { d, powershell } = deps(scenario);
    await observeWithWait(d, await refs(), { waitMs: 0, pollMs: 3000 });
    expect(powershell.invocations).toBe(1);
  });
});

describe('ARP disambiguation', () => {
  it('when a MAC has several IPv4s, keeps the one that answers on port 22', async () => {
    const renumbered: Scenario = {
      vms: [{ name: 'p-web-a1b2c3d4', kvp: 'No Contact', adapters: [{ mac: '00155D000001' }] }],
      neighbors: [
        { ip: '172.18.0.5', mac: '00155D000001', state: 'Permanent', stale: true },
        { ip: '172.18.0.9', mac: '00155D000001', state: 'Permanent' },
      ],
    };
    const { d } = deps(renumbered);
    const f = makeFixture({ project: 'p', machines: ['web'], vms: [{ machine: 'web' }] });
    const inspection = await inspectProjects(d, [await loadProject(f.configPath)], { waitMs: 0, pollMs: 1000 });
    const o = inspection.facts[0]!.observations[0]!;
    expect(o.network?.ipv4).toBe('172.18.0.9');
    expect(o.addressChoice).toEqual({ candidates: ['172.18.0.9', '172.18.0.5'], by: 'port-22', table: "the host's ARP table" });
    const record = inspection.plan.projects[0]!.vms[0]!;
    expect(record.status).toBe('running');
    expect(record.warnings.find((w) => w.code === 'several-addresses')?.text).toBe("The host's ARP table has several IPv4 addresses for MAC 00155D000001: using 172.18.0.9, the only one answering on port 22, passing over 172.18.0.5.");
  });
});

describe("seed 003's cached tier", () => {
  // A provider that knows the VM runs but found no address.
  const provider: EngineDeps['provider'] = {
    name: 'fake',
    observe: async (refs) => refs.map((ref) => ({ ref, found: true, hypervisorId: 'x', power: 'running', vmState: 'running', network: { ipv4: null, mac: '525400000001', adapterName: null, discoveredAt: 'now', source: 'lease' }, tier: null, warnings: [{ code: 'no-ipv4', text: 'no IPv4 yet' }], lookedIn: 'fake', detail: { provider: 'linux', listedBy: 'manifest' } })),
    dispose: async () => undefined,
  };
  const project = (lastKnown?: { ipv4: string }) => ({ name: 'p', configPath: '/p/ragnatramp.yaml', statePath: '/p/.ragnatramp/state.json', config: {} as never, machines: [{ name: 'web', ssh: { user: 'u', privateKeyPath: '/k' } }], state: null, warnings: [], vms: [{ project: 'p', machineName: 'web', vmName: 'p-web', vmId: 'x', ...(lastKnown ? { lastKnown } : {}) }] });


  it("uses state.json's last address only when the guest answering there offers the VM's pinned host key", async () => {
    const answering = new Map([['172.18.0.9', key('web')]]);
    const deps = (hostKeys: HostKeyStore): EngineDeps => ({ provider, probe: async (ip) => answering.has(ip), offeredHostKey: async (ip) => answering.get(ip) ?? null, hostKeys, connector: { connect: async () => { throw new Error('no SSH here'); } } });
    const webPinned = pins('vm:x', fingerprintOf(key('web')));
    const hit = await inspectProjects(deps(webPinned), [project({ ipv4: '172.18.0.9' })], { waitMs: 0, pollMs: 1000 });
    expect(hit.plan.projects[0]!.vms[0]).toMatchObject({ ipv4: '172.18.0.9', tier: 'cache', status: 'running', warnings: [] });
    expect(hit.plan.projects[0]!.networkUpdates).toEqual([]); // a cache hit rewrites nothing
    // Another guest (another key) at that address, no pin at all, or nothing answering: no address.
    answering.set('172.18.0.9', key('someone else'));
    const other = await inspectProjects(deps(webPinned), [project({ ipv4: '172.18.0.9' })], { waitMs: 0, pollMs: 1000 });
    expect(other.plan.projects[0]!.vms[0]).toMatchObject({ ipv4: null, tier: null, status: 'initializing' });
    answering.set('172.18.0.9', key('web'));
    const unpinned = await inspectProjects(deps(pins('vm:x', null)), [project({ ipv4: '172.18.0.9' })], { waitMs: 0, pollMs: 1000 });
    expect(unpinned.plan.projects[0]!.vms[0]!.ipv4).toBeNull();
    answering.clear();
    const miss = await inspectProjects(deps(webPinned), [project({ ipv4: '172.18.0.9' })], { waitMs: 0, pollMs: 1000 });
    expect(miss.plan.projects[0]!.vms[0]).toMatchObject({ ipv4: null, tier: null, status: 'initializing' });
    const none = await inspectProjects(deps(webPinned), [project()], { waitMs: 0, pollMs: 1000 });
    expect(none.plan.projects[0]!.vms[0]!.ipv4).toBeNull();
  });
});

describe('SSH probes in a pass', () => {
  it('each address is probed once a pass, however many steps ask about it (the cached tier, then the SSH check)', async () => {
    const provider: EngineDeps['provider'] = {
      name: 'fake',
      observe: async (refs) => refs.map((ref) => ({ ref, found: true, hypervisorId: 'x', power: 'running', vmState: 'running', network: { ipv4: null, mac: '525400000001', adapterName: null, discoveredAt: 'now', source: 'lease' }, tier: null, warnings: [], lookedIn: 'fake', detail: { provider: 'linux', listedBy: 'manifest' } })),
      dispose: async () => undefined,
    };
    const probed: string[] = [];
    // The cached tier asks the guest for its host key (pinned here), then the SSH check probes once.
    const hostKeys = pins('vm:x', fingerprintOf(key('web')));
    const deps: EngineDeps = { provider, probe: async (ip, port) => (probed.push(`${ip}:${port}`), true), offeredHostKey: async () => key('web'), hostKeys, connector: { connect: async () => { throw new Error('no SSH here'); } } };
    const project = { name: 'p', configPath: '/p/ragnatramp.yaml', statePath: '/p/.ragnatramp/state.json', config: {} as never, machines: [{ name: 'web', ssh: { user: 'u', privateKeyPath: '/k' } }], state: null, warnings: [], vms: [{ project: 'p', machineName: 'web', vmName: 'p-web', vmId: 'x', lastKnown: { ipv4: '172.18.0.9' } }] };
    await inspectProjects(deps, [project], { waitMs: 0, pollMs: 1000 });
    expect(probed).toEqual(['172.18.0.9:22']);
    await inspectProjects(deps, [project], { waitMs: 0, pollMs: 1000 });
    expect(probed).toEqual(['172.18.0.9:22', '172.18.0.9:22']); // a new pass probes again
  });
});

describe('a pass over many guests opens a bounded number of connections at once', () => {
  it("the cached tier's host-key reads, 200 guests without an address: at most 32 at once", async () => {
    const provider: EngineDeps['provider'] = {
      name: 'fake',
      observe: async (refs) => refs.map((ref) => ({ ref, found: true, hypervisorId: ref.vmId!, power: 'running', vmState: 'running', network: null, tier: null, warnings: [], lookedIn: 'fake', detail: { provider: 'linux', listedBy: 'manifest' } })),
      dispose: async () => undefined,
    };
    const vms = Array.from({ length: 200 }, (_, i) => ({ project: 'p', machineName: `m${i}`, vmName: `p-m${i}`, vmId: `x${i}`, lastKnown: { ipv4: `172.18.${i >> 8}.${i & 0xff}` } }));
    const hostKeys: HostKeyStore = { ...trustAll, pinned: async () => ({ keyType: 'ssh-ed25519', fingerprint: fingerprintOf(key('web')), firstSeen: '2026-11-01T00:00:00.000Z', host: '172.18.0.9' }) };
    let open = 0;
    let most = 0;
    const offeredHostKey = async () => {
      most = Math.max(most, ++open);
      await new Promise((r) => setTimeout(r, 5));
      open--;
      return key('web');
    };
    const deps: EngineDeps = { provider, probe: async () => true, offeredHostKey, hostKeys, connector: { connect: async () => { throw new Error('no SSH here'); } } };
    const project = { name: 'p', configPath: '/p/ragnatramp.yaml', statePath: '/p/.ragnatramp/state.json', config: {} as never, machines: vms.map((v) => ({ name: v.machineName, ssh: { user: 'u', privateKeyPath: '/k' } })), state: null, warnings: [], vms };
    const pass = await inspectProjects(deps, [project], { waitMs: 0, pollMs: 1000 });
    expect(pass.plan.projects[0]!.vms.filter((v) => v.tier === 'cache')).toHaveLength(200);
    expect(most).toBeLessThanOrEqual(32);
  });

  it("ARP's candidates, 100 guests with two each: at most 32 probes at once", async () => {
    const ips = (i: number) => [`10.0.${i}.1`, `10.0.${i}.2`];
    const provider: EngineDeps['provider'] = {
      name: 'fake',
      observe: async (refs) => refs.map((ref, i) => ({ ref, found: true, hypervisorId: ref.vmId!, power: 'running', vmState: 'running', network: { ipv4: ips(i)[0]!, mac: '525400000001', adapterName: null, discoveredAt: 'now', source: 'arp' }, addressChoice: { candidates: ips(i), by: 'freshest', table: "the host's ARP table" }, tier: 'arp', warnings: [], lookedIn: 'fake', detail: { provider: 'linux', listedBy: 'manifest' } })),
      dispose: async () => undefined,
    };
    let open = 0;
    let most = 0;
    const probe = async (ip: string) => {
      most = Math.max(most, ++open);
      await new Promise((r) => setTimeout(r, 5));
      open--;
      return ip.endsWith('.2');
    };
    const vms = Array.from({ length: 100 }, (_, i) => ({ project: 'p', machineName: `m${i}`, vmName: `p-m${i}`, vmId: `x${i}` }));
    const project = { name: 'p', configPath: '/p/ragnatramp.yaml', statePath: '/p/.ragnatramp/state.json', config: {} as never, machines: vms.map((v) => ({ name: v.machineName, ssh: { user: 'u', privateKeyPath: '/k' } })), state: null, warnings: [], vms };
    const pass = await inspectProjects({ provider, probe, connector: { connect: async () => { throw new Error('no SSH here'); } } }, [project], { waitMs: 0, pollMs: 1000 });
    expect(pass.plan.projects[0]!.vms.every((v) => v.ipv4?.endsWith('.2'))).toBe(true); // the one answering SSH
    expect(most).toBeLessThanOrEqual(32);
  });
});
