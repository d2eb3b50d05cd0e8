// The pure plan: what state.json will hold per VM, and the actions from config, state and discoveries.
import { describe, expect, it } from 'vitest';
import type { StateFile } from '../state/state-file.js';
import type { Power, VmObservation } from '../discovery/observation.js';
import type { NetworkState } from '../seed-types.js';
import { nextNetwork, plan, type PlanInput, type ProjectFacts } from './plan.js';

const NOW = '2026-11-22T10:00:00.000Z';
const EARLIER = '2026-11-21T09:00:00.000Z';

interface ObsSpec {
  machine: string;
  state?: string;
  found?: boolean;
  ipv4?: string | null;
  tier?: 'kvp' | 'arp' | null;
  mac?: string;
  noAdapter?: boolean;
  ipv6?: string[];
}

function obs(project: string, s: ObsSpec): VmObservation {
  const found = s.found ?? true;
  const state = found ? (s.state ?? 'Running') : 'Missing';
  const running = found && state === 'Running';
  const network: NetworkState | null =
    running && !s.noAdapter
      ? { ipv4: s.ipv4 ?? null, ...(s.ipv6 ? { ipv6: s.ipv6 } : {}), mac: s.mac ?? `00155D00000${s.machine.length}`, adapterName: 'Network Adapter', discoveredAt: NOW, source: s.tier === 'arp' ? 'arp' : 'hyperv' }
      : null;
  const power: Power = !found ? 'missing' : state === 'Running' ? 'running' : state === 'Starting' ? 'starting' : state === 'Paused' ? 'paused' : state === 'Saved' ? 'saved' : 'off';
  return {
    ref: { project, machineName: s.machine, vmName: `${project}-${s.machine}-a1b2c3d4`, vmId: `id-${s.machine}` },
    found,
    hypervisorId: found ? `id-${s.machine}` : null,
    power,
    vmState: state,
    network,
    tier: network?.ipv4 ? (s.tier ?? 'kvp') : null,
    warnings: [],
    lookedIn: 'Hyper-V',
    detail: { provider: 'hyperv', kvp: { status: 'OK', detail: null } },
  };
}

function state(project: string, vms: Record<string, NetworkState | undefined>): StateFile {
  return {
    version: 1,
    project,
    configPath: `/p/${project}/ragnatramp.yaml`,
    vms: Object.fromEntries(Object.entries(vms).map(([m, network]) => [m, { id: `id-${m}`, name: `${project}-${m}-a1b2c3d4`, machineName: m, ...(network ? { network } : {}) }])),
  };
}

function facts(project: string, specs: ObsSpec[], network: Record<string, NetworkState | undefined> = {}, extra: Partial<ProjectFacts> = {}): ProjectFacts {
  const observations = specs.map((s) => obs(project, s));
  return {
    name: project,
    configPath: `/p/${project}/ragnatramp.yaml`,
    machines: specs.map((s) => ({ name: s.machine, ssh: { user: 'ubuntu', privateKeyPath: '/k/id' } })),
    state: state(project, Object.fromEntries(specs.map((s) => [s.machine, network[s.machine]]))),
    observations,
    sshOpen: Object.fromEntries(specs.map((s) => [s.machine, s.ipv4 ? true : null])),
    ...extra,
  };
}

const run = (projects: ProjectFacts[], syncHosts = true) => plan({ projects, now: NOW, syncHosts } satisfies PlanInput);

const net = (ipv4: string | null, extra: Partial<NetworkState> = {}): NetworkState => ({ ipv4, mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: EARLIER, source: 'hyperv', ...extra });

describe('nextNetwork: what state.json will hold', () => {
  const running = (ipv4: string | null, tier: 'kvp' | 'arp' = 'kvp') => obs('p', { machine: 'web', ipv4, tier });
  const table: Array<{ name: string; old: NetworkState | undefined; o: VmObservation; want: NetworkState | undefined }> = [
    { name: 'first discovery records everything with discoveredAt', old: undefined, o: running('172.18.0.5'), want: { ipv4: '172.18.0.5', mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: NOW, source: 'hyperv' } },
    { name: 'unchanged network is left alone (byte-identical file)', old: net('172.18.0.5'), o: running('172.18.0.5'), want: undefined },
    { name: 'a changed address records previousIpv4', old: net('172.18.0.5'), o: running('172.18.0.9'), want: { ipv4: '172.18.0.9', mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: NOW, source: 'hyperv', previousIpv4: '172.18.0.5' } },
    { name: 'a source change alone is recorded, previousIpv4 untouched', old: net('172.18.0.5', { previousIpv4: '172.18.0.1' }), o: running('172.18.0.5', 'arp'), want: { ipv4: '172.18.0.5', mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: NOW, source: 'arp', previousIpv4: '172.18.0.1' } },
    { name: 'stopping nulls the fields and remembers the last address', old: net('172.18.0.5'), o: obs('p', { machine: 'web', state: 'Off' }), want: { ipv4: null, mac: null, adapterName: null, discoveredAt: null, source: 'hyperv', previousIpv4: '172.18.0.5' } },
    // Issue 24 point 6: Saved and Paused VMs keep their lease (only Off is seed 000's "stopped").
    { name: 'a saved VM keeps its network', old: net('172.18.0.5'), o: obs('p', { machine: 'web', state: 'Saved' }), want: undefined },
    { name: 'a paused VM keeps its network', old: net('172.18.0.5'), o: obs('p', { machine: 'web', state: 'Paused' }), want: undefined },
    { name: 'stopping keeps the address before the last one aside', old: net('172.18.0.5', { previousIpv4: '172.18.0.1' }), o: obs('p', { machine: 'web', state: 'Off' }), want: { ipv4: null, mac: null, adapterName: null, discoveredAt: null, source: 'hyperv', previousIpv4: '172.18.0.5', previousIpv4BeforeStop: '172.18.0.1' } },
    // Issue 24 point 3: previousIpv4 is the address before the current one, never the current one.
    { name: 'restarting on the same address gets back the earlier previousIpv4', old: { ipv4: null, mac: null, adapterName: null, discoveredAt: null, source: 'hyperv', previousIpv4: '172.18.0.7', previousIpv4BeforeStop: '172.18.0.1' }, o: running('172.18.0.7'), want: { ipv4: '172.18.0.7', mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: NOW, source: 'hyperv', previousIpv4: '172.18.0.1' } },
    { name: 'restarting on the same address with nothing earlier records no previousIpv4', old: { ipv4: null, mac: null, adapterName: null, discoveredAt: null, source: 'hyperv', previousIpv4: '172.18.0.7' }, o: running('172.18.0.7'), want: { ipv4: '172.18.0.7', mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: NOW, source: 'hyperv' } },
    // Issue 24 point 4: discoveredAt is when the provider found the address, not the plan's clock.
    { name: 'discoveredAt is the discovery instant', old: undefined, o: { ...running('172.18.0.5'), network: { ...running('172.18.0.5').network!, discoveredAt: EARLIER } }, want: { ipv4: '172.18.0.5', mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: EARLIER, source: 'hyperv' } },
    // Issue 24 point 5: a lower-case MAC is the same MAC.
    { name: 'a lower-case MAC in state.json is the same network', old: net('172.18.0.5', { mac: '00155d000003' }), o: running('172.18.0.5'), want: undefined },
    { name: 'a stopped VM already recorded as stopped is left alone', old: { ipv4: null, mac: null, adapterName: null, discoveredAt: null, source: 'hyperv', previousIpv4: '172.18.0.5' }, o: obs('p', { machine: 'web', state: 'Off' }), want: undefined },
    { name: 'a stopped VM never discovered gets no network', old: undefined, o: obs('p', { machine: 'web', state: 'Off' }), want: undefined },
    { name: 'restarting after a stop keeps the remembered previous address', old: { ipv4: null, mac: null, adapterName: null, discoveredAt: null, source: 'hyperv', previousIpv4: '172.18.0.5' }, o: running('172.18.0.7'), want: { ipv4: '172.18.0.7', mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: NOW, source: 'hyperv', previousIpv4: '172.18.0.5' } },
    { name: 'a missing VM: unknown facts are not written', old: net('172.18.0.5'), o: obs('p', { machine: 'web', found: false }), want: undefined },
    { name: 'running without an IPv4 yet: the old address is kept, not blanked', old: net('172.18.0.5'), o: running(null), want: undefined },
    { name: 'running without a Default Switch adapter: nothing written', old: net('172.18.0.5'), o: obs('p', { machine: 'web', noAdapter: true }), want: undefined },
    { name: 'IPv6 addresses are kept as information', old: undefined, o: obs('p', { machine: 'web', ipv4: '172.18.0.5', ipv6: ['2001:db8::5'] }), want: { ipv4: '172.18.0.5', ipv6: ['2001:db8::5'], mac: '00155D000003', adapterName: 'Network Adapter', discoveredAt: NOW, source: 'hyperv' } },
  ];
  for (const t of table) it(t.name, () => expect(nextNetwork(t.old, t.o, NOW)).toEqual(t.want));
});

describe('plan', () => {
  it('produces diffs old → new per field, sorted by machine', () => {
    const p = run([facts('p', [{ machine: 'web', ipv4: '172.18.0.9' }, { machine: 'db', ipv4: '172.18.0.4', tier: 'arp' }], { web: net('172.18.0.5') })]);
    expect(p.projects[0]!.diffs).toEqual([
      { machineName: 'db', field: 'network.ipv4', oldValue: null, newValue: '172.18.0.4' },
      { machineName: 'db', field: 'network.mac', oldValue: null, newValue: '00155D000002' },
      { machineName: 'db', field: 'network.adapterName', oldValue: null, newValue: 'Network Adapter' },
      { machineName: 'db', field: 'network.source', oldValue: null, newValue: 'arp' },
      { machineName: 'web', field: 'network.ipv4', oldValue: '172.18.0.5', newValue: '172.18.0.9' },
      { machineName: 'web', field: 'network.previousIpv4', oldValue: null, newValue: '172.18.0.5' },
    ]);
    expect(p.projects[0]!.networkUpdates.map((u) => [u.machineName, u.vmId])).toEqual([['db', 'id-db'], ['web', 'id-web']]);
  });

  it('gives seed 003 statuses', () => {
    const f = facts('p', [
      { machine: 'a', found: false },
      { machine: 'b', state: 'Off' },
      { machine: 'c' },
      { machine: 'd', ipv4: '172.18.0.4' },
      { machine: 'e', ipv4: '172.18.0.5' },
    ]);
    f.sshOpen.d = false;
    expect(run([f]).projects[0]!.vms.map((v) => [v.machineName, v.status])).toEqual([
      ['a', 'missing'], ['b', 'stopped'], ['c', 'initializing'], ['d', 'booting'], ['e', 'running'],
    ]);
  });

  it('renders one hosts block per project from VMs with an IPv4', () => {
    const p = run([facts('p', [{ machine: 'web', ipv4: '172.18.0.9' }, { machine: 'db', ipv4: '172.18.0.4' }, { machine: 'cache', state: 'Off' }])]);
    expect(p.projects[0]!.hostsBlock).toBe('# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.0.4 db\n172.18.0.9 web\n# END RAGNATRAMP\n');
  });

  it('flags duplicate IPs: still recorded, left out of the block, sync skipped with a warning', () => {
    const p = run([facts('p', [{ machine: 'web', ipv4: '172.18.0.9' }, { machine: 'db', ipv4: '172.18.0.9' }, { machine: 'cache', ipv4: '172.18.0.3' }])]);
    expect(p.duplicates).toEqual([{ ip: '172.18.0.9', vms: [{ project: 'p', configPath: '/p/p/ragnatramp.yaml', machineName: 'db' }, { project: 'p', configPath: '/p/p/ragnatramp.yaml', machineName: 'web' }] }]);
    const pp = p.projects[0]!;
    expect(pp.networkUpdates.map((u) => u.network.ipv4)).toEqual(['172.18.0.3', '172.18.0.9', '172.18.0.9']);
    expect(pp.hostsEntries).toEqual([{ ip: '172.18.0.3', name: 'cache' }]);
    expect(pp.vms.map((r) => [r.machineName, r.sync.action])).toEqual([['cache', 'sync'], ['db', 'skip'], ['web', 'skip']]);
    expect(pp.vms[1]!.sync).toMatchObject({ reason: 'duplicate IPv4 172.18.0.9 (shared with web)' });
    expect(pp.vms.map((r) => r.duplicateOf.map((d) => d.machineName))).toEqual([[], ['web'], ['db']]);
    expect(pp.vms.map((r) => r.warnings.map((w) => w.code))).toEqual([[], ['duplicate-ip'], ['duplicate-ip']]);
    expect(pp.vms[1]!.warnings[0]!.text).toMatch(/^Duplicate IPv4 172\.18\.0\.9: web reports it too/);
  });

  it('detects duplicates across projects (one Default Switch)', () => {
    const p = run([facts('a', [{ machine: 'web', ipv4: '172.18.0.9' }]), facts('b', [{ machine: 'api', ipv4: '172.18.0.9' }])]);
    expect(p.duplicates[0]!.vms.map((v) => `${v.project}/${v.machineName}`)).toEqual(['a/web', 'b/api']);
    expect(p.projects[1]!.vms[0]!.sync).toMatchObject({ action: 'skip', reason: 'duplicate IPv4 172.18.0.9 (shared with a/web)' });
  });

  it('tells two projects with the same name apart by config path', () => {
    const one = facts('same', [{ machine: 'web', ipv4: '172.18.0.1' }]);
    const two = { ...facts('same', [{ machine: 'web', ipv4: '172.18.0.2' }]), configPath: '/elsewhere/ragnatramp.yaml' };
    const p = run([one, two]);
    expect(p.duplicates).toEqual([]);
    expect(p.projects.map((x) => x.hostsEntries[0]!.ip).sort()).toEqual(['172.18.0.1', '172.18.0.2']);
  });

  it('says why each VM is not synced', () => {
    const f = facts('p', [
      { machine: 'a', found: false },
      { machine: 'b', state: 'Saved' },
      { machine: 'c' },
      { machine: 'd', ipv4: '172.18.0.4' },
      { machine: 'e', ipv4: '172.18.0.5' },
      { machine: 'f', ipv4: '172.18.0.6' },
      { machine: 'g', ipv4: '172.18.0.7' },
    ]);
    f.sshOpen.d = false;
    f.machines = f.machines.filter((m) => m.name !== 'e').map((m) => (m.name === 'f' ? { name: 'f' } : m));
    const reasons = run([f]).projects[0]!.vms.map((r) => (r.sync.action === 'skip' ? r.sync.reason : `sync ${r.sshTarget!.host} as ${r.sshTarget!.user} pinned ${r.sshTarget!.hostKeyAlias}`));
    expect(reasons).toEqual([
      'VM not found in Hyper-V',
      'VM is Saved',
      'no IPv4 address discovered yet',
      'SSH port 22 at 172.18.0.4 has no SSH server answering yet (the guest is booting or hung, or sshd is not running)',
      'machine is no longer in ragnatramp.yaml',
      'no ssh settings: add ssh: { user, private_key } under defaults or under machine \'f\' in /p/p/ragnatramp.yaml',
      'sync 172.18.0.7 as ubuntu pinned vm:id-g',
    ]);
  });

  it('skips every sync with --no-hosts but still records state', () => {
    const p = run([facts('p', [{ machine: 'web', ipv4: '172.18.0.9' }])], false);
    expect(p.projects[0]!.vms.map((r) => r.sync)).toEqual([{ action: 'skip', reason: 'hosts sync not requested (--no-hosts)' }]);
    expect(p.projects[0]!.vms[0]!.sshTarget).toMatchObject({ host: expect.any(String) });
    expect(p.projects[0]!.networkUpdates).toHaveLength(1);
  });

  it('is deterministic: input order does not matter', () => {
    const specs: ObsSpec[] = [{ machine: 'web', ipv4: '172.18.0.9' }, { machine: 'db', ipv4: '172.18.0.9' }, { machine: 'cache', state: 'Off' }, { machine: 'api', ipv4: '172.18.0.2' }];
    const a = run([facts('x', specs), facts('y', [{ machine: 'q', ipv4: '172.18.0.2' }])]);
    const reversed = facts('x', [...specs].reverse());
    const b = run([facts('y', [{ machine: 'q', ipv4: '172.18.0.2' }]), reversed]);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('a machine named constructor with no state entry and no SSH probe yet is not taken for one that has both', () => {
    const f = facts('p', [{ machine: 'constructor', ipv4: '172.18.0.9' }]);
    f.state = state('p', {});
    f.sshOpen = {};
    const p = run([f]).projects[0]!;
    expect(p.networkUpdates).toEqual([]);
    expect([p.vms[0]!.status, p.vms[0]!.sshOpen]).toEqual(['booting', null]);
  });

  it('does not write network for machines only in the config (not created)', () => {
    const f = facts('p', [{ machine: 'web', ipv4: '172.18.0.9' }]);
    f.state = state('p', {});
    const p = run([f]);
    expect(p.projects[0]!.networkUpdates).toEqual([]);
    expect(p.projects[0]!.hostsEntries).toEqual([{ ip: '172.18.0.9', name: 'web' }]);
  });

  it('a VM reached through a port forward: running when SSH answers there, its target is the forward, no hosts block, sync skipped with the reason', () => {
    const f = facts('p', [{ machine: 'web', ipv4: '10.9.0.5' }, { machine: 'nat', noAdapter: true }]);
    const isolated = "'nat' is on QEMU's user-mode network, where VMs cannot reach each other";
    f.observations[1] = { ...f.observations[1]!, forward: { host: '127.0.0.1', port: 22221, isolated } };
    f.sshOpen = { web: true, nat: true };
    const nat = run([f]).projects[0]!.vms.find((v) => v.machineName === 'nat')!;
    expect([nat.status, nat.ipv4, nat.sshOpen, nat.forward]).toEqual(['running', null, true, { host: '127.0.0.1', port: 22221 }]);
    expect(nat.sshTarget).toMatchObject({ host: '127.0.0.1', port: 22221 });
    expect(nat.sync).toEqual({ action: 'skip', reason: isolated });
    expect(run([f]).projects[0]!.hostsEntries).toEqual([{ ip: '10.9.0.5', name: 'web' }]);
    f.sshOpen = { web: true, nat: false };
    const booting = run([f]).projects[0]!.vms.find((v) => v.machineName === 'nat')!;
    expect([booting.status, booting.sshTarget, booting.warnings.map((w) => w.code)]).toEqual(['booting', null, ['ssh-closed']]);
  });
});

describe('names from the settings: a domain and aliases', () => {
  const names = { domain: 'demo.internal', aliases: { web: ['www', 'Bad_Alias', 'db'] } };
  const p = run([facts('demo', [{ machine: 'web', ipv4: '10.0.0.2' }, { machine: 'db', ipv4: '10.0.0.3' }], {}, { names })]).projects[0]!;
  it('writes each machine under the domain and its aliases on its line; the plan gets them as input', () => {
    expect(p.hostsBlock).toContain('\n10.0.0.3 db db.demo.internal\n10.0.0.2 web web.demo.internal www\n');
    expect(p.vms.find((r) => r.machineName === 'web')!.aliases).toEqual(['web.demo.internal', 'www', 'db']);
  });
  it('says why an alias is written nowhere (not a host name) or only where it clashes with no machine', () => {
    const web = p.vms.find((r) => r.machineName === 'web')!;
    expect(web.warnings.filter((w) => w.code === 'bad-alias').map((w) => w.text)).toEqual([
      'The alias "Bad_Alias" may contain only letters, digits and inner hyphens in each dot-separated label; it is written nowhere. Change it in Settings.',
      'The extra name "db" of "web" is the name of machine "db"; it was left out of the hosts block. Change it in Settings.',
    ]);
  });
  it('without names, a machine has none and its line is as before', () => {
    const plain = run([facts('demo', [{ machine: 'web', ipv4: '10.0.0.2' }])]).projects[0]!;
    expect(plain.hostsBlock).toContain('\n10.0.0.2 web\n');
    expect(plain.vms[0]!.aliases).toEqual([]);
  });
});

describe('a provider-defined project (no ragnatramp.yaml)', () => {
  it("says from the first pass that a VM's name cannot be a host name, and how to fix it there; its login is asked of the settings", () => {
    const p = run([{ ...facts('vms', [{ machine: 'Bad_Name', state: 'Off' }, { machine: 'web', ipv4: '10.0.0.2' }]), kind: 'watched', machines: [{ name: 'Bad_Name' }, { name: 'web' }] }]).projects[0]!;
    const bad = p.vms.find((r) => r.machineName === 'Bad_Name')!;
    expect(bad.warnings.map((w) => [w.code, w.text])).toContainEqual(['bad-hostname', 'The VM name "Bad_Name" may contain only letters, digits and inner hyphens in each dot-separated label; it is left out of the hosts block. Rename that VM in its hypervisor (letters, digits and inner hyphens); it is still watched, and reachable at its address.']);
    const web = p.vms.find((r) => r.machineName === 'web')!;
    expect(web.sync).toEqual({ action: 'skip', reason: "no ssh settings: add an SSH user and key for the project or for VM 'web' (Settings, or --ssh-user and --ssh-key)" });
  });
});

describe('a VM its provider knows but has not made yet', () => {
  it("is 'not created yet', not 'not found', though state.json (or the listing) gives it an id (quickemu's .conf never started)", () => {
    const f = facts('p', [{ machine: 'web', found: false }]);
    f.observations[0] = { ...f.observations[0]!, vmState: 'not created', warnings: [{ code: 'not-created', text: "'web' has a .conf but quickemu has not started it yet" }] };
    expect(run([f]).projects[0]!.vms[0]!.sync).toEqual({ action: 'skip', reason: 'machine not created yet' });
  });
});
