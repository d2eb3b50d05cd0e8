// reconcileProject against the simulator's Hyper-V host and guests: state.json written once,
// every guest's hosts file merged, idempotent, faults isolated to their VM.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { loadProject } from './config/load-project.js';
import { createEnvironment, type Environment } from './environment.js';
import { reconcileProject, type ReconcileOptions } from './reconcile.js';
import type { Scenario } from './simulator/scenario.js';
import { scenarioVmId } from './simulator/scenario.js';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

const options: ReconcileOptions = { waitMs: 0, pollMs: 3000, dryRun: false, syncHosts: true, sync: { concurrency: 4, timeoutMs: 5000 } };

const scenario: Scenario = {
  vms: [
    { name: 'p-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.2'] }] },
    { name: 'p-db-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000002', kvp: 'No Contact', adapters: [{ mac: '00155D000002' }] },
  ],
  neighbors: [{ ip: '172.18.0.3', mac: '00-15-5D-00-00-02' }],
};

async function setup(s: Scenario = scenario) {
  const f = makeFixture({ project: 'p', machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario: s });
  const env = await createEnvironment({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
  const project = () => loadProject(f.configPath);
  const hostsOf = (e: Environment, name: string) => e.simulator!.guests!.files.get(scenarioVmId({ name, id: s.vms!.find((v) => v.name === name)!.id }))!.toString('latin1');
  return { f, env, project, hostsOf };
}

const BLOCK = '# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.0.3 db\n172.18.0.2 web\n# END RAGNATRAMP\n';

describe('reconcileProject', () => {
  it('records IPs, writes every guest’s block, then changes nothing on a second run', async () => {
    const { f, env, project, hostsOf } = await setup();
    const first = await reconcileProject(env, await project(), options);
    expect(first.result.success).toBe(true);
    expect(first.result.hostsBlock).toBe(BLOCK);
    expect(first.sync.map((s) => [s.machineName, s.success, s.changed])).toEqual([['db', true, true], ['web', true, true]]);
    expect(hostsOf(env, 'p-web-a1b2c3d4')).toBe(`127.0.0.1 localhost\n127.0.1.1 p-web-a1b2c3d4\n\n# The following lines are desirable for IPv6 capable hosts\n::1     ip6-localhost ip6-loopback\nfe00::0 ip6-localnet\nff00::0 ip6-mcastprefix\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n${BLOCK}`);
    const state = readFileSync(f.statePath);
    expect(JSON.parse(state.toString()).vms.db.network).toMatchObject({ ipv4: '172.18.0.3', source: 'arp' });

    const second = await reconcileProject(env, await project(), options);
    expect(second.stateWritten).toBe(false);
    expect(second.result.diffs).toEqual([]);
    expect(second.sync.map((s) => s.changed)).toEqual([false, false]);
    expect(readFileSync(f.statePath)).toEqual(state);
  });

  it('reconciling one VM syncs that guest only; the others are not touched', async () => {
    const { env, project, hostsOf } = await setup();
    const p = await project();
    const out = await reconcileProject(env, p, { ...options, onlyMachines: { [p.configPath]: ['web'] } });
    expect(out.sync.map((s) => s.machineName)).toEqual(['web']);
    expect(out.result.hostsSyncResults.find((r) => r.machineName === 'db')).toEqual({ machineName: 'db', success: true, skipped: true, skipReason: 'not asked: only web was reconciled' });
    expect(hostsOf(env, 'p-web-a1b2c3d4')).toContain(BLOCK);
    expect(env.simulator!.guests!.files.size).toBe(1); // db's guest was never written
  });

  it('an IP change records previousIpv4 and updates every guest’s block', async () => {
    const { f, env, project, hostsOf } = await setup();
    await reconcileProject(env, await project(), options);
    const moved: Scenario = { ...scenario, vms: [{ ...scenario.vms![0]!, adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.9'] }] }, scenario.vms![1]!] };
    writeFileSync(f.scenarioPath, stringify(moved));
    const again = await reconcileProject(env, await project(), options);
    expect(again.result.diffs).toContainEqual({ machineName: 'web', field: 'network.ipv4', oldValue: '172.18.0.2', newValue: '172.18.0.9' });
    expect(JSON.parse(readFileSync(f.statePath, 'utf8')).vms.web.network.previousIpv4).toBe('172.18.0.2');
    expect(hostsOf(env, 'p-db-a1b2c3d4')).toContain('172.18.0.9 web\n');
  });

  it('a guest whose sudo wants a password fails alone, with the fix; the other is synced', async () => {
    const s: Scenario = { ...scenario, vms: [{ ...scenario.vms![0]!, guest: { sudo: 'password' } }, scenario.vms![1]!] };
    const { env, project } = await setup(s);
    const out = await reconcileProject(env, await project(), options);
    expect(out.result.success).toBe(false);
    expect(out.result.hostsSyncResults).toEqual([
      { machineName: 'db', success: true, skipped: false },
      { machineName: 'web', success: false, skipped: false, error: expect.stringMatching(/sudo asks user 'ubuntu' for a password.*NOPASSWD/) },
    ]);
  });

  it('a changed host key refuses that VM until accepted', async () => {
    const { f, env, project } = await setup();
    await reconcileProject(env, await project(), options);
    const rebuilt: Scenario = { ...scenario, vms: [{ ...scenario.vms![0]!, adapters: [{ mac: '00155D000001', ipAddresses: ['172.18.0.2'] }], guest: { hostKey: 'rebuilt' } }, scenario.vms![1]!] };
    writeFileSync(f.scenarioPath, stringify(rebuilt));
    const refused = await reconcileProject(env, await project(), options);
    expect(refused.result.hostsSyncResults.find((r) => r.machineName === 'web')!.error).toMatch(/SSH host key of 'web' changed.*--accept-host-key web/);
    const p = await project();
    const accepted = await reconcileProject(env, p, { ...options, acceptHostKeys: { [p.configPath]: ['web'] } });
    expect(accepted.result.success).toBe(true);
    expect(accepted.result.warnings).toContain("web: its previous SSH host key was forgotten (--accept-host-key); the key it offers now is trusted.");
  });

  it('dry run writes neither state.json nor any guest', async () => {
    const { f, env, project } = await setup();
    const before = readFileSync(f.statePath);
    const out = await reconcileProject(env, await project(), { ...options, dryRun: true });
    expect(out.result.diffs.length).toBeGreaterThan(0);
    expect(out.result.hostsSyncResults.every((r) => r.skipped && /^dry run: would sync/.test(r.skipReason!))).toBe(true);
    expect(readFileSync(f.statePath)).toEqual(before);
    expect(env.simulator!.guests!.files.size).toBe(0);
  });

  it('duplicate IPs: both recorded, both skipped, the warning names them', async () => {
    const dup: Scenario = { vms: [scenario.vms![0]!, { ...scenario.vms![1]!, kvp: 'OK', adapters: [{ mac: '00155D000002', ipAddresses: ['172.18.0.2'] }] }] };
    const { f, env, project } = await setup(dup);
    const out = await reconcileProject(env, await project(), options);
    expect(out.result.hostsSyncResults.map((r) => r.skipReason)).toEqual(['duplicate IPv4 172.18.0.2 (shared with web)', 'duplicate IPv4 172.18.0.2 (shared with db)']);
    expect(out.result.warnings).toContain(`db: Duplicate IPv4 172.18.0.2: web reports it too. It is still recorded in state.json, but these VMs are left out of the hosts block and their hosts sync is skipped until the conflict clears. Two VMs with one IPv4 are nearly always clones of one image sharing /etc/machine-id, which systemd uses as the DHCP client id. In the clone, run: sudo rm /etc/machine-id && sudo systemd-machine-id-setup, then renew its lease (reboot it, or sudo networkctl renew <interface>).`);
    expect(out.result.warnings.some((w) => w.startsWith('web: Duplicate IPv4 172.18.0.2: db reports it too'))).toBe(true);
    const vms = JSON.parse(readFileSync(f.statePath, 'utf8')).vms;
    expect([vms.web.network.ipv4, vms.db.network.ipv4]).toEqual(['172.18.0.2', '172.18.0.2']);
  });

  it('an unknown --accept-host-key machine is bad input', async () => {
    const { env, project } = await setup();
    const p = await project();
    await expect(reconcileProject(env, p, { ...options, acceptHostKeys: { [p.configPath]: ['nope'] } })).rejects.toThrow(/no machine named 'nope'/);
  });
});
