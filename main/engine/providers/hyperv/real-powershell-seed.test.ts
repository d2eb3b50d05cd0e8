// Issue 24's points 1, 3 and 6 through the real discovery script in the real pwsh, against the
// tests' Windows host (whose cmdlets read the scenario at every call, so the host changes
// between passes), in Constrained Language Mode: no duplicate invented by the cache tier,
// previousIpv4 across a stop, Saved and Paused VMs keeping their network, a Starting VM waited
// for. The guests' SSH side is the simulator's (with real pinned host keys in a pin file).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HyperVHost, pwsh } from '../../../../dev/test-support/real-powershell.js';
import { makeFixture, vmId, type FixtureVm } from '../../../../dev/test-support/project-fixture.js';
import { seed000Problems } from '../../../../dev/test-support/seed-000-schema.js';
import { loadProject } from '../../config/load-project.js';
import type { EngineDeps } from '../../inspect.js';
import { reconcileProject, type ReconcileOptions } from '../../reconcile.js';
import type { Scenario, ScenarioVm } from '../../simulator/scenario.js';
import { SimulatedGuests } from '../../simulator/simulated-network.js';
import { FileHostKeyStore } from '../../ssh/known-hosts.js';
import { HyperVProvider } from './hyperv-provider.js';
import { NodePowerShellRunner } from './powershell-runner.js';

const SLOW = 240_000; // every pass starts a real pwsh, on a machine shared with other work
const web = (over: Partial<ScenarioVm> = {}): ScenarioVm => ({ name: 'p-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.2'] }], ...over });
const db = (over: Partial<ScenarioVm> = {}): ScenarioVm => ({ name: 'p-db-a1b2c3d4', id: vmId(2), adapters: [{ mac: '00155D000002', ipAddresses: ['172.18.0.3'] }], ...over });

let host: HyperVHost;
beforeAll(() => {
  if (pwsh) host = HyperVHost.build();
}, SLOW);
afterAll(() => {
  if (host) rmSync(host.dir, { recursive: true, force: true });
});

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) await d();
});

/** A project whose Hyper-V host is `scenario`, changed with `set` between passes. */
function setup(first: Scenario, vms: FixtureVm[] = [{ machine: 'web' }, { machine: 'db' }]) {
  const f = makeFixture({ project: 'p', machines: ['web', 'db'], vms });
  const { exe, scenarioFile } = host.powershellFor(first, 'ConstrainedLanguage');
  let current = first;
  const set = (s: Scenario) => {
    current = s;
    writeFileSync(scenarioFile, JSON.stringify(s));
  };
  const runner = new NodePowerShellRunner({ timeoutMs: SLOW, executable: exe });
  disposers.push(() => runner.dispose());
  const hostKeys = new FileHostKeyStore(f.knownHostsPath);
  const guests = new SimulatedGuests({ current: async () => current }, hostKeys);
  let t = Date.parse('2026-11-22T10:00:00.000Z');
  const deps: EngineDeps = { provider: new HyperVProvider(runner), probe: guests.probe, connector: guests.connector, offeredHostKey: guests.offeredHostKey, hostKeys, now: () => new Date(t), sleep: async (ms) => void (t += ms) };
  const options: ReconcileOptions = { waitMs: 0, pollMs: 3000, dryRun: false, syncHosts: true, sync: { concurrency: 2, timeoutMs: 5000 } };
  const pass = async (extra: Partial<ReconcileOptions> = {}) => {
    const out = await reconcileProject(deps, await loadProject(f.configPath), { ...options, ...extra });
    expect(seed000Problems(out.result)).toEqual([]);
    return out.result;
  };
  const state = () => JSON.parse(readFileSync(f.statePath, 'utf8')).vms as Record<string, { network?: Record<string, unknown> }>;
  return { set, pass, state, deps };
}

describe.skipIf(!pwsh)('seed 000 through the real discovery script in PowerShell', () => {
  it('point 1: a VM that reports an address wins over one that only remembers it (no duplicate invented)', async () => {
    const vmHost = setup({ vms: [web({ adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.9'] }] }), db()] });
    await vmHost.pass(); // pins both guests' keys
    vmHost.set({ vms: [web({ kvp: 'No Contact', adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.20'] }] }), db({ adapters: [{ mac: '00155D000002', ipAddresses: ['172.18.0.9'] }] })] });
    const r = await vmHost.pass();
    expect(r.warnings.filter((w) => /Duplicate IPv4/.test(w))).toEqual([]);
    expect(r.discoveries.find((d) => d.machineName === 'web')).toMatchObject({ network: { ipv4: null, source: 'hyperv' }, tier: null, keptIpv4: '172.18.0.9' });
    expect(r.hostsSyncResults.find((s) => s.machineName === 'db')).toEqual({ machineName: 'db', success: true, skipped: false });
    expect(r.hostsBlock).toContain('172.18.0.9 db\n');
  }, SLOW);

  it('point 3: a VM stopped and restarted on the same address keeps its earlier previousIpv4', async () => {
    const network = { ipv4: '172.18.0.2', mac: '00155D000001', adapterName: 'Network Adapter', discoveredAt: '2026-11-01T00:00:00.000Z', source: 'hyperv', previousIpv4: '172.18.0.1' };
    const vmHost = setup({ vms: [web({ state: 'Off' }), db()] }, [{ machine: 'web', network }, { machine: 'db' }]);
    await vmHost.pass();
    expect(vmHost.state().web!.network).toMatchObject({ ipv4: null, previousIpv4: '172.18.0.2' });
    vmHost.set({ vms: [web(), db()] });
    await vmHost.pass();
    expect(vmHost.state().web!.network).toMatchObject({ ipv4: '172.18.0.2', previousIpv4: '172.18.0.1' });
  }, SLOW);

  it('point 6: Saved and Paused VMs keep their network; a Starting VM is waited for like a running one', async () => {
    const kept = (ip: string, mac: string) => ({ ipv4: ip, mac, adapterName: 'Network Adapter', discoveredAt: '2026-11-01T00:00:00.000Z', source: 'hyperv' });
    const vmHost = setup({ vms: [web({ state: 'Saved' }), db({ state: 'Paused' })] }, [{ machine: 'web', network: kept('172.18.0.2', '00155D000001') }, { machine: 'db', network: kept('172.18.0.3', '00155D000002') }]);
    const r = await vmHost.pass();
    expect(r.discoveries.map((d) => [d.machineName, d.vmState, d.network])).toEqual([['db', 'Paused', null], ['web', 'Saved', null]]);
    expect(vmHost.state().web!.network).toEqual(kept('172.18.0.2', '00155D000001'));
    expect(vmHost.state().db!.network).toEqual(kept('172.18.0.3', '00155D000002'));

    vmHost.set({ vms: [web({ state: 'Starting' }), db()] });
    vmHost.deps.sleep = async () => vmHost.set({ vms: [web(), db()] }); // Hyper-V finishes starting it
    const started = await vmHost.pass({ waitMs: 60_000 });
    expect(started.discoveries.find((d) => d.machineName === 'web')).toMatchObject({ vmState: 'Running', tier: 'kvp', network: { ipv4: '172.18.0.2' } });
  }, SLOW);
});
