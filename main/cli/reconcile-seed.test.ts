// `reconcile --json` and state.json hold to seed 000 (issue 24), on the simulator: every run's
// JSON is checked against the schema written from the seed's types, and each of the issue's
// points is replayed: the cache tier inventing no duplicate, seed values in seed fields,
// previousIpv4 across a stop, discoveredAt, a lower-case MAC, Saved/Paused/Starting VMs, no
// Default Switch adapter, the kept address, and a pass whose syncs were all skipped.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makeFixture, vmId, type FixtureVm } from '../../dev/test-support/project-fixture.js';
import { seed000Problems } from '../../dev/test-support/seed-000-schema.js';
import { loadProject } from '../engine/config/load-project.js';
import { createEnvironment } from '../engine/environment.js';
import { reconcileProject } from '../engine/reconcile.js';
import type { Scenario, ScenarioVm } from '../engine/simulator/scenario.js';
import { runCli } from './cli.js';
import { EXIT_NONE_SYNCED } from './project-commands.js';

interface Json {
  success: boolean;
  discoveries: Array<{ machineName: string; network: Record<string, unknown> | null; tier: string | null; warnings: string[]; keptIpv4?: string; cachedIpv4?: string }>;
  hostsSyncResults: Array<{ machineName: string; skipped: boolean; skipReason?: string }>;
  hostsBlock: string;
  warnings: string[];
}

const web = (over: Partial<ScenarioVm> = {}): ScenarioVm => ({ name: 'p-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.2'] }], ...over });
const db = (over: Partial<ScenarioVm> = {}): ScenarioVm => ({ name: 'p-db-a1b2c3d4', id: vmId(2), adapters: [{ mac: '00155D000002', ipAddresses: ['172.18.0.3'] }], ...over });

function project(scenario: Scenario, vms: FixtureVm[] = [{ machine: 'web' }, { machine: 'db' }]) {
  const f = makeFixture({ project: 'p', machines: ['web', 'db'], vms, scenario });
  const common = ['--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath, '--wait', '0'];
  const setScenario = (s: Scenario) => writeFileSync(f.scenarioPath, stringify(s));
  const state = () => JSON.parse(readFileSync(f.statePath, 'utf8')).vms as Record<string, { network?: Record<string, unknown> }>;
  return { f, common, setScenario, state };
}

/** One CLI run; a reconcile --json answer must be a seed 000 ReconcileResult. */
async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env });
  if (args[0] === 'reconcile' && args.includes('--json')) expect(seed000Problems(JSON.parse(stdout))).toEqual([]);
  return { code, stdout, stderr };
}

async function reconcileJson(common: string[]): Promise<Json & { code: number }> {
  const r = await cli(['reconcile', '--json', ...common]);
  return { ...(JSON.parse(r.stdout) as Json), code: r.code };
}

const byMachine = (j: Json, m: string) => j.discoveries.find((d) => d.machineName === m)!;
const syncOf = (j: Json, m: string) => j.hostsSyncResults.find((r) => r.machineName === m)!;

describe('point 1: the cache tier invents no duplicate', () => {
  it("a VM that reports an address wins over one that only remembers it; the first VM's address is kept, not used", async () => {
    const p = project({ vms: [web({ adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.9'] }] }), db()] });
    expect((await reconcileJson(p.common)).code).toBe(0); // pins both guests' keys
    // web loses its KVP daemon and renumbers; db is given web's old address.
    p.setScenario({ vms: [web({ kvp: 'No Contact', adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.20'] }] }), db({ adapters: [{ mac: '00155D000002', ipAddresses: ['172.18.0.9'] }] })] });
    const j = await reconcileJson(p.common);
    expect(j.warnings).not.toContainEqual(expect.stringMatching(/Duplicate IPv4/));
    expect(byMachine(j, 'web')).toMatchObject({ network: { ipv4: null, source: 'hyperv' }, tier: null, keptIpv4: '172.18.0.9' });
    expect(byMachine(j, 'web').cachedIpv4).toBeUndefined();
    expect(syncOf(j, 'db')).toEqual({ machineName: 'db', success: true, skipped: false });
    expect(syncOf(j, 'web')).toMatchObject({ skipped: true, skipReason: 'no IPv4 address discovered yet' });
    expect(j.hostsBlock).toContain('172.18.0.9 db\n');
    expect(p.state().web!.network).toMatchObject({ ipv4: '172.18.0.9' }); // kept: never an unknown written
  });

  it('a cached address counts only when the guest answering there offers the pinned host key', async () => {
    const p = project({ vms: [web({ adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.9'] }] }), db()] });
    await reconcileJson(p.common);
    // A guest that is not web (another key) answers at web's old address; no VM reports it.
    const stranger: ScenarioVm = { name: 'someone-else', id: vmId(9), adapters: [{ mac: '00155D000009', ipAddresses: ['172.18.0.9'] }] };
    p.setScenario({ vms: [web({ kvp: 'No Contact', adapters: [{ mac: '00155D000001' }] }), db(), stranger] });
    const j = await reconcileJson(p.common);
    expect(byMachine(j, 'web')).toMatchObject({ tier: null, keptIpv4: '172.18.0.9' });
    expect(byMachine(j, 'web').cachedIpv4).toBeUndefined();
    expect(j.hostsBlock).not.toContain('web');
  });
});

describe('point 2: seed values in seed fields', () => {
  it('an address confirmed from the cache is an added field; tier and source stay seed values; state.json is not rewritten', async () => {
    const p = project({ vms: [web({ adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.9'] }] }), db()] });
    await reconcileJson(p.common);
    const before = readFileSync(p.f.statePath);
    // KVP stops reporting, the guest is still at its address (nothing else knows it).
    p.setScenario({ vms: [web({ kvp: 'No Contact', adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.9'] }] }), db()] });
    const j = await reconcileJson(p.common);
    expect(byMachine(j, 'web')).toMatchObject({ network: { ipv4: null, source: 'hyperv' }, tier: null, keptIpv4: '172.18.0.9', cachedIpv4: '172.18.0.9' });
    expect(syncOf(j, 'web')).toEqual({ machineName: 'web', success: true, skipped: false });
    expect(j.hostsBlock).toContain('172.18.0.9 web\n');
    expect(readFileSync(p.f.statePath)).toEqual(before); // no new discoveredAt, no source rewritten
    const table = await cli(['reconcile', ...p.common]);
    expect(table.stdout).toMatch(/ web +running +172\.18\.0\.9 +cache +updated\n/);
  });
});

describe('point 3: previousIpv4 is the address before the current one', () => {
  it('a VM stopped and restarted on the same address keeps its earlier previousIpv4', async () => {
    const at = (ip: string, state: ScenarioVm['state'] = 'Running') => ({ vms: [web({ state, adapters: [{ mac: '00155D000001', ipAddresses: [ip] }] }), db()] });
    const p = project(at('172.18.0.1'));
    await reconcileJson(p.common);
    p.setScenario(at('172.18.0.2'));
    await reconcileJson(p.common);
    expect(p.state().web!.network).toMatchObject({ ipv4: '172.18.0.2', previousIpv4: '172.18.0.1' });
    p.setScenario(at('172.18.0.2', 'Off'));
    await reconcileJson(p.common);
    expect(p.state().web!.network).toMatchObject({ ipv4: null, previousIpv4: '172.18.0.2' });
    p.setScenario(at('172.18.0.2'));
    await reconcileJson(p.common);
    expect(p.state().web!.network).toMatchObject({ ipv4: '172.18.0.2', previousIpv4: '172.18.0.1' });
    // Restarted elsewhere, previousIpv4 is the address it stopped on.
    p.setScenario(at('172.18.0.2', 'Off'));
    await reconcileJson(p.common);
    p.setScenario(at('172.18.0.5'));
    await reconcileJson(p.common);
    expect(p.state().web!.network).toMatchObject({ ipv4: '172.18.0.5', previousIpv4: '172.18.0.2' });
  });
});

describe('point 4: discoveredAt is when the address was discovered', () => {
  it('the same instant in the JSON and in state.json, not the planning time after the DHCP wait', async () => {
    const scenario: Scenario = { vms: [web(), db({ adapters: [{ mac: '00155D000002', ipAddresses: ['172.18.0.3'], ipAfterPolls: 2 }] })] };
    const f = makeFixture({ project: 'p', machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
    const env = await createEnvironment({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    let t = Date.parse('2026-11-22T10:00:00.000Z');
    const out = await reconcileProject({ ...env, now: () => new Date(t), sleep: async (ms) => void (t += ms) }, await loadProject(f.configPath), { waitMs: 60_000, pollMs: 3000, dryRun: false, syncHosts: true, sync: { concurrency: 2, timeoutMs: 5000 } });
    const state = JSON.parse(readFileSync(f.statePath, 'utf8')).vms;
    const json = Object.fromEntries(out.result.discoveries.map((d) => [d.machineName, d.network?.discoveredAt]));
    expect(json).toEqual({ db: '2026-11-22T10:00:06.000Z', web: '2026-11-22T10:00:00.000Z' });
    expect(state.web.network.discoveredAt).toBe(json.web);
    expect(state.db.network.discoveredAt).toBe(json.db);
    expect(seed000Problems(out.result)).toEqual([]);
  });
});

describe('point 5: reading state.json accepts what the seed allows', () => {
  it('a lower-case MAC is read (not a bad state.json); the tray writes upper case', async () => {
    const network = { ipv4: '172.18.0.7', mac: '00155d000001', adapterName: 'Network Adapter', discoveredAt: '2026-11-01T00:00:00.000Z', source: 'hyperv' };
    const p = project({ vms: [web(), db()] }, [{ machine: 'web', network }, { machine: 'db' }]);
    const j = await reconcileJson(p.common);
    expect(j.code).toBe(0);
    expect(p.state().web!.network).toMatchObject({ ipv4: '172.18.0.2', mac: '00155D000001', previousIpv4: '172.18.0.7' });
  });
});

describe('point 6: states as Hyper-V means them', () => {
  const kept = { ipv4: '172.18.0.2', mac: '00155D000001', adapterName: 'Network Adapter', discoveredAt: '2026-11-01T00:00:00.000Z', source: 'hyperv' };

  for (const state of ['Saved', 'Paused'] as const) {
    it(`a ${state} VM keeps its lease, so state.json keeps its network; only Off clears it`, async () => {
      const p = project({ vms: [web({ state }), db()] }, [{ machine: 'web', network: kept }, { machine: 'db' }]);
      const j = await reconcileJson(p.common);
      expect(byMachine(j, 'web')).toMatchObject({ network: null, tier: null });
      expect(syncOf(j, 'web')).toMatchObject({ skipped: true, skipReason: `VM is ${state}` });
      expect(p.state().web!.network).toEqual(kept);
      p.setScenario({ vms: [web({ state: 'Off' }), db()] });
      await reconcileJson(p.common);
      expect(p.state().web!.network).toMatchObject({ ipv4: null, mac: null, discoveredAt: null, previousIpv4: '172.18.0.2' });
    });
  }

  it('a Starting VM (just started by up) is waited for in the DHCP wait like a running one', async () => {
    const f = makeFixture({ project: 'p', machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario: { vms: [web({ state: 'Starting' }), db()] } });
    const env = await createEnvironment({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    let t = Date.parse('2026-11-22T10:00:00.000Z');
    const sleep = async (ms: number) => {
      t += ms;
      writeFileSync(f.scenarioPath, stringify({ vms: [web(), db()] })); // Hyper-V finished starting it
    };
    const out = await reconcileProject({ ...env, now: () => new Date(t), sleep }, await loadProject(f.configPath), { waitMs: 60_000, pollMs: 3000, dryRun: false, syncHosts: true, sync: { concurrency: 2, timeoutMs: 5000 } });
    expect(out.result.discoveries.find((d) => d.machineName === 'web')).toMatchObject({ vmState: 'Running', tier: 'kvp', network: { ipv4: '172.18.0.2' } });
    expect(out.result.hostsSyncResults.every((r) => !r.skipped)).toBe(true);
  });
});

describe('point 7: "no adapter" as the seed says', () => {
  it("a running VM with no Default Switch adapter has a NetworkState with mac and ipv4 null and a warning naming its switch", async () => {
    const p = project({ vms: [web({ adapters: [{ name: 'LAN', mac: '00155D000001', switch: 'External', ipAddresses: ['192.168.1.50'] }] }), db()] });
    const j = await reconcileJson(p.common);
    expect(byMachine(j, 'web')).toMatchObject({ network: { ipv4: null, mac: null, source: 'hyperv' }, tier: null });
    expect(byMachine(j, 'web').warnings[0]).toMatch(/no network adapter on the Default Switch \(it has: LAN on 'External'\)/);
  });
});

describe('point 8: ipv6 keeps what the adapter reported besides link-local', () => {
  it('global IPv6 addresses are kept, fe80:: ones left out, in the JSON and in state.json', async () => {
    const p = project({ vms: [web({ adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.2', 'fe80::215:5dff:fe00:1', '2001:db8::2'] }] }), db()] });
    const j = await reconcileJson(p.common);
    expect(byMachine(j, 'web').network).toMatchObject({ ipv6: ['2001:db8::2'] });
    expect(p.state().web!.network!.ipv6).toEqual(['2001:db8::2']);
  });
});

describe('point 10: a pass whose syncs were all skipped', () => {
  it('is success: true, and the exit code and summary say nothing was synced and why', async () => {
    const p = project({ vms: [web({ state: 'Off' }), db({ state: 'Off' })] });
    const j = await reconcileJson(p.common);
    expect(j.success).toBe(true);
    expect(j.code).toBe(EXIT_NONE_SYNCED);
    const r = await cli(['reconcile', ...p.common]);
    expect(r.code).toBe(EXIT_NONE_SYNCED);
    expect(r.stdout).toMatch(/^p: 2 VMs, state\.json unchanged, no guest's hosts synced: db VM is Off; web VM is Off\n/);
    // Asked not to sync, nothing was skipped unexpectedly: success, exit 0.
    expect((await cli(['reconcile', ...p.common, '--no-hosts'])).code).toBe(0);
  });
});

describe('the odd scenarios of the issue, each a seed 000 ReconcileResult', () => {
  const scenarios: Record<string, Scenario> = {
    'KVP with only unusable addresses': { vms: [web({ adapters: [{ mac: '00155D000001', ipAddresses: ['169.254.10.1', 'fe80::1', '0.0.0.0'] }] }), db()] },
    'a duplicate': { vms: [web(), db({ adapters: [{ mac: '00155D000002', ipAddresses: ['172.18.0.2'] }] })] },
    'Saved, Paused and Starting VMs': { vms: [web({ state: 'Saved' }), db({ state: 'Starting' })] },
    'a VM being deleted': { vms: [web({ adapterError: 'The operation cannot be performed while the object is in its current state.' }), db({ state: 'Paused' })] },
    'a VM not created yet': { vms: [web()] },
    'the demo': { vms: [web({ kvp: 'Disabled', adapters: [{ mac: '00155D000001' }] }), db({ kvp: 'No Contact', adapters: [{ mac: '00155D000002' }] })], neighbors: [{ ip: '172.18.0.3', mac: '00-15-5D-00-00-02', state: 'Stale' }] },
  };
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const j = await reconcileJson(project(scenario).common); // cli() checks the schema
      expect(j.discoveries).toHaveLength(2);
    });
  }

  it('the schema catches what this issue fixed: tier "cache", a Running VM with network null', () => {
    const discovery = { machineName: 'web', vmName: 'p-web', vmState: 'Running', network: null, tier: 'cache', warnings: [] };
    expect(seed000Problems({ success: true, discoveries: [discovery], diffs: [], hostsSyncResults: [], hostsBlock: '', warnings: [] })).toEqual([
      '/discoveries/0/network must be object',
      '/discoveries/0 must match "then" schema',
      '/discoveries/0/tier must be equal to one of the allowed values',
    ]);
  });
});
