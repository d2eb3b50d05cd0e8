// The pure parts of the app core: change detection, health and summary, settings recovery.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import type { ProjectView, VmView } from '../../contract/api.js';
import { describeChange, detectChanges, NOTHING_REPORTED } from './change-detector.js';
import { mergePass, remute, type SyncMemory } from './pass-state.js';
import { vmProblems, withMutes } from './vm-problems.js';
import type { PassResult } from '../worker/worker-protocol.js';
import { computeHealth, summarize } from './health.js';
import { openSettings, SETTINGS_SCHEMA } from './settings.js';

const diff = (machineName: string, from: string | null, to: string | null) => ({ key: `/p#${machineName}`, configPath: '/p', project: 'p', machineName, from, to });

describe('detectChanges', () => {
  it('turns recorded IPv4 diffs into changed / appeared / lost', () => {
    const { changes } = detectChanges([diff('web', '172.18.0.2', '172.18.0.9'), diff('db', null, '172.18.0.3'), diff('cache', '172.18.0.4', null)], [], [], NOTHING_REPORTED);
    expect(changes.map((c) => c.kind)).toEqual(['changed', 'appeared', 'lost']);
    expect(changes.map(describeChange)).toEqual([
      { title: 'web: new IP address', body: '172.18.0.2 → 172.18.0.9 (p)' },
      { title: 'db is on the network', body: '172.18.0.3 (p)' },
      { title: 'cache lost its IP address', body: 'was 172.18.0.4 (p)' },
    ]);
  });
  it('reports a duplicate once, and again only after it cleared', () => {
    const dup = { ip: '172.18.0.9', vms: [{ project: 'p', machineName: 'db' }, { project: 'p', machineName: 'web' }] };
    const first = detectChanges([], [dup], [], NOTHING_REPORTED);
    expect(first.changes).toEqual([{ kind: 'duplicate', key: '172.18.0.9|p/db,p/web', ip: '172.18.0.9', machines: ['db', 'web'] }]);
    expect(detectChanges([], [dup], [], first.reported).changes).toEqual([]);
    const cleared = detectChanges([], [], [], first.reported);
    expect(detectChanges([], [dup], [], cleared.reported).changes).toHaveLength(1);
  });
  it('a running VM whose IPv4 is no longer known is reported once, with why and its last known address', () => {
    // Running with its IP unknown (issue 23, point 6: a VM that lost its address is not initializing).
    const unknown = project([vm({ status: 'running', ipv4: null, lastKnownIpv4: '172.18.0.2', facts: [{ label: 'KVP', value: 'No Contact', ok: false, why: 'no daemon' }] })]);
    const first = detectChanges([], [], [unknown], NOTHING_REPORTED);
    expect(first.changes).toEqual([{ kind: 'lost', key: '/p#web', configPath: '/p', project: 'p', machineName: 'web', from: '172.18.0.2', why: 'KVP No Contact' }]);
    expect(describeChange(first.changes[0]!)).toEqual({ title: 'web: IP unknown (KVP No Contact)', body: 'last known 172.18.0.2 (p)' });
    expect(detectChanges([], [], [unknown], first.reported).changes).toEqual([]);
    const back = detectChanges([], [], [project([vm({})])], first.reported);
    expect(detectChanges([], [], [unknown], back.reported).changes).toHaveLength(1);
  });
});

describe('vmProblems', () => {
  it('a muted check needs no attention: it moves to muted, and the health stays good', () => {
    const kvp = vm({ facts: [{ label: 'KVP', value: 'No Contact', ok: false, why: null }] });
    expect(withMutes(kvp, [])).toEqual({ problems: [{ check: 'fact:KVP', text: 'KVP No Contact' }], muted: [] });
    const muted = withMutes(kvp, ['/p#web|fact:KVP']);
    expect(muted).toEqual({ problems: [], muted: [{ check: 'fact:KVP', text: 'KVP No Contact' }] });
    expect(computeHealth({ busy: 'idle', hypervisorError: null, duplicates: [], projects: [project([{ ...kvp, ...muted }])] })).toBe('good');
    expect(remute([project([{ ...kvp, ...muted }])], [])[0]!.vms[0]!.problems).toHaveLength(1);
  });

  it('says what needs attention in a few words, from fields and codes only', () => {
    const p = (over: Partial<VmView>) => vmProblems(vm(over)).map((x) => x.text);
    expect(p({})).toEqual([]);
    expect(p({ status: 'missing', ipv4: null })).toEqual(['VM missing']);
    expect(p({ status: 'missing', ipv4: null, warnings: [{ code: 'not-created', text: '…' }] })).toEqual(['not created yet']);
    expect(p({ status: 'stopped', ipv4: null })).toEqual([]);
    expect(p({ status: 'initializing', ipv4: null, facts: [{ label: 'KVP', value: 'No Contact', ok: false, why: null }] })).toEqual(['IP unknown: KVP No Contact']);
    expect(p({ facts: [{ label: 'KVP', value: 'No Contact', ok: false, why: null }] })).toEqual(['KVP No Contact']);
    expect(p({ status: 'booting', sshOpen: false })).toEqual(['SSH closed']);
    // Reached through a port forward (QEMU's user-mode network): no address of its own is no problem.
    expect(p({ ipv4: null, sshAt: '127.0.0.1:22221' })).toEqual([]);
    expect(p({ status: 'booting', ipv4: null, sshAt: '127.0.0.1:22221', sshOpen: false })).toEqual(['SSH closed']);
    expect(p({ hostsStale: true })).toEqual(['hosts out of date']);
    expect(p({ sync: { success: false, skipped: false, changed: false, message: 'x', problem: 'host-key-changed', at: '' } })).toEqual(['host key changed']);
    // A duplicate is one banner naming both VMs (issue 23, point 9), not a problem on each row.
    expect(p({ duplicateOf: ['db'], warnings: [{ code: 'duplicate-ip', text: '…' }, { code: 'no-ssh-settings', text: '…', brief: 'no ssh settings' }] })).toEqual(['no ssh settings']);
  });
});

describe('mergePass', () => {
  const result = (over: Partial<PassResult>): PassResult => ({ at: '2026-11-22T10:00:00.000Z', hypervisorError: null, projects: [], duplicates: [], syncs: {}, syncedBlocks: {}, changes: 0, ipDiffs: [], ...over });
  // Issue 23, point 6: a running VM that lost its address is running with its IP unknown; one
  // that has had none since it started (stopped the pass before, or never seen) is initializing.
  it('a VM seen up with an address and now without one is still running, not initializing', () => {
    const memory = { muted: [], syncs: {}, blocks: {} };
    const noAddress = vm({ status: 'initializing', ipv4: null, tier: null, lastKnownIpv4: '172.18.0.2', sshOpen: null });
    const pass = (before: VmView | null) => mergePass({ projects: before ? [project([before])] : [], duplicates: [] }, result({ projects: [project([noAddress])] }), { watched: ['/p'], memory, all: true }).projects[0]!.vms[0]!;
    expect(pass(vm({})).status).toBe('running');
    expect(pass(vm({ status: 'booting', sshOpen: false })).status).toBe('running');
    expect(pass({ ...noAddress, status: 'running' }).status).toBe('running');
    expect(pass(vm({ status: 'stopped', ipv4: null })).status).toBe('initializing');
    expect(pass(null).status).toBe('initializing');
    expect(pass(vm({})).problems).toEqual([{ check: 'ip-unknown', text: 'IP unknown' }]);
  });
  const withBlock = (block: string, vms: VmView[]) => ({ ...project(vms), hostsBlock: block });
  it('a hosts block that changed since a VM was synced makes it out of date, with its problem', () => {
    const memory = { muted: [], syncs: { '/p#web': { success: true, skipped: false, changed: true, message: null, problem: null, at: '' } }, blocks: { '/p#web': 'old block' } };
    const stale = mergePass({ projects: [], duplicates: [] }, result({ projects: [withBlock('new block', [vm({ sync: null })])] }), { watched: ['/p'], memory, all: true });
    expect(stale.projects[0]!.vms[0]).toMatchObject({ hostsStale: true, problems: [{ check: 'hosts-stale', text: 'hosts out of date' }] });
    const current = mergePass({ projects: [], duplicates: [] }, result({ projects: [withBlock('old block', [vm({ sync: null })])] }), { watched: ['/p'], memory, all: true });
    expect(current.projects[0]!.vms[0]).toMatchObject({ hostsStale: false, problems: [] });
  });
  it("a row never contradicts itself: a skip stands only while the pass still skips, for today's reason; no VM that cannot be synced is out of date", () => {
    const skipped = (message: string) => ({ success: true, skipped: true, changed: false, message, problem: null, at: '' });
    const pass = (syncs: SyncMemory['syncs'], v: VmView, blocks: SyncMemory['blocks'] = {}) =>
      mergePass({ projects: [], duplicates: [] }, result({ projects: [withBlock('new block', [v])] }), { watched: ['/p'], memory: { muted: [], syncs, blocks }, all: true }).projects[0]!.vms[0]!;
    // Running again: "skipped: VM is Off" is gone, the VM is not synced yet.
    expect(pass({ '/p#web': skipped('VM is Off') }, vm({ sync: null, hostsSkip: null })).sync).toBeNull();
    // A cleared duplicate no longer reads "skipped: duplicate".
    expect(pass({ '/p#web': skipped('duplicate IPv4 172.18.0.2 (shared with db)') }, vm({ sync: null, hostsSkip: null })).sync).toBeNull();
    // Still skipped, now for another reason: today's reason.
    const off = pass({ '/p#web': skipped('duplicate IPv4 172.18.0.2 (shared with db)') }, vm({ status: 'stopped', ipv4: null, sync: null, hostsSkip: 'VM is Off' }));
    expect(off.sync).toMatchObject({ skipped: true, message: 'VM is Off' });
    // Synced once, then stopped or gone: the last sync stays, but nothing offers to update it.
    const synced = { '/p#web': { success: true, skipped: false, changed: true, message: null, problem: null, at: '' } };
    for (const now of [vm({ status: 'stopped', ipv4: null, sync: null, hostsSkip: 'VM is Off' }), vm({ status: 'missing', ipv4: null, sync: null, hostsSkip: 'VM not found' })]) {
      const row = pass(synced, now, { '/p#web': 'old block' });
      expect(row).toMatchObject({ hostsStale: false, sync: { skipped: false } });
      expect(row.problems.map((x) => x.text)).not.toContain('hosts out of date');
    }
  });
  it('when the hypervisor cannot be asked, a project keeps its name and last known VMs, marked stale', () => {
    const memory = { muted: [], syncs: {}, blocks: {} };
    const before = mergePass({ projects: [], duplicates: [] }, result({ projects: [project([vm({})])] }), { watched: ['/p'], memory, all: true });
    const after = mergePass(before, result({ hypervisorError: 'Hyper-V could not be queried: access denied\nmore', projects: [{ ...project([]), name: 'p' }] }), { watched: ['/p'], memory, all: true });
    expect(after.projects[0]).toMatchObject({ name: 'p', vms: [{ machineName: 'web' }], stale: 'Showing what was last seen: the hypervisor could not be asked (the cause is above).' });
    expect(computeHealth({ busy: 'idle', hypervisorError: null, duplicates: [], projects: after.projects })).toBe('attention');
  });
});

function vm(over: Partial<VmView>): VmView {
  return { key: '/p#web', machineName: 'web', vmName: 'p-web', status: 'running', vmState: 'Running', provider: 'Hyper-V', lookedIn: 'Hyper-V', ipv4: '172.18.0.2', ipv6: [], tier: { id: 'kvp', label: 'KVP', help: '' }, mac: null, discoveredAt: null, previousIpv4: null, lastKnownIpv4: null, hostsStale: false, hostsSkip: null, problems: [], muted: [], facts: [], sshOpen: true, sshAt: null, duplicateOf: [], warnings: [], sync: { success: true, skipped: false, changed: false, message: null, problem: null, at: '2026-11-22T10:00:00.000Z' }, history: [], ...over };
}
const project = (vms: VmView[], over: Partial<ProjectView> = {}): ProjectView => ({ configPath: '/p', name: 'p', error: null, vms, hostsBlock: '', warnings: [], ...over });
const base = { busy: 'idle' as const, hypervisorError: null, duplicates: [], paused: false, lastPassAt: '2026-11-22T09:58:00.000Z' };

describe('health and summary', () => {
  it('good / attention / error / working', () => {
    expect(computeHealth({ ...base, projects: [project([vm({})])] })).toBe('good');
    // Every VM problem (vmProblems, tested above) needs attention; a stopped VM does not.
    expect(computeHealth({ ...base, projects: [project([vm({ status: 'initializing', ipv4: null, problems: [{ check: 'ip-unknown', text: 'IP unknown' }] })])] })).toBe('attention');
    expect(computeHealth({ ...base, projects: [project([vm({ status: 'missing', ipv4: null, problems: [{ check: 'vm-missing', text: 'VM missing' }] })])] })).toBe('attention');
    expect(computeHealth({ ...base, projects: [project([vm({ status: 'stopped', ipv4: null })])] })).toBe('good');
    expect(computeHealth({ ...base, duplicates: [{ ip: '1.2.3.4', vms: [] }], projects: [project([vm({})])] })).toBe('attention');
    expect(computeHealth({ ...base, projects: [project([], { error: 'broken yaml' })] })).toBe('attention');
    expect(computeHealth({ ...base, hypervisorError: 'no access', projects: [] })).toBe('error');
    expect(computeHealth({ ...base, busy: 'reconciling', hypervisorError: 'no access', projects: [] })).toBe('working');
  });
  it('summary: "3 VMs · 2 running · hosts in sync · 2 min ago"', () => {
    const now = new Date('2026-11-22T10:00:00.000Z');
    expect(summarize({ ...base, projects: [project([vm({}), vm({ key: 'b' }), vm({ key: 'c', status: 'stopped', ipv4: null, sync: null })])] }, now)).toBe('3 VMs · 2 running · hosts in sync · 2 min ago');
    expect(summarize({ ...base, paused: true, projects: [project([vm({ sync: null })])] }, now)).toBe('1 VM · 1 running · hosts not synced yet · 2 min ago · paused');
    expect(summarize({ ...base, projects: [] }, now)).toBe('Nothing watched yet: add a project');
    // Nothing watched is grey, not green (issue 23, point 10).
    expect(computeHealth({ busy: 'idle', hypervisorError: null, duplicates: [], projects: [] })).toBe('idle');
    // A lost engine is red even with nothing watched: the grey would hide that nothing runs.
    expect(computeHealth({ busy: 'idle', hypervisorError: null, duplicates: [], projects: [], engineLost: 'The engine stopped unexpectedly (exit code 1); it is being restarted.' })).toBe('error');
    expect(summarize({ ...base, hypervisorError: 'Hyper-V could not be queried: denied\nhint', projects: [] }, now)).toBe('Hyper-V could not be queried: denied');
  });
});

describe('openSettings', () => {
  const open = (dir: string) => () => new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', schema: SETTINGS_SCHEMA, projectName: 'ragnatramp-tray' });

  it('defaults first, then what was saved', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-set-'));
    const s = openSettings(path.join(dir, 'settings.json'), open(dir));
    expect(s.get()).toEqual({ projects: [], watched: {}, names: {}, providers: {}, pollSeconds: 10, notifications: true, autoSync: false, autoSyncAsked: false, launchAtLogin: false, sshConfig: false, muted: [] });
    s.set({ ...s.get(), pollSeconds: 30, projects: ['/a/ragnatramp.yaml'], providers: { '/a/ragnatramp.yaml': { provider: 'libvirt', option: 'qemu+ssh://dev@vmhost/system' } } });
    expect(openSettings(path.join(dir, 'settings.json'), open(dir)).get()).toMatchObject({ pollSeconds: 30, projects: ['/a/ragnatramp.yaml'], providers: { '/a/ragnatramp.yaml': { provider: 'libvirt', option: 'qemu+ssh://dev@vmhost/system' } } });
  });

  it('a provider choice the schema does not know makes the file fall back to defaults, kept aside', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-set-'));
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ providers: { '/a/ragnatramp.yaml': { provider: 'vmware' } } }));
    const s = openSettings(file, open(dir));
    expect(s.get().providers).toEqual({});
    expect(s.warning).toMatch(/could not be read/);
  });

  it.each([['not JSON', '{ nope'], ['against the schema', JSON.stringify({ pollSeconds: 'often' })]])('a file %s falls back to defaults, says so, and keeps the old file', (_what, content) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-set-'));
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, content);
    const s = openSettings(file, open(dir), () => new Date('2026-11-22T10:00:00.000Z'));
    expect(s.get().pollSeconds).toBe(10);
    expect(s.warning).toMatch(/settings file could not be read .* defaults are in use\. The old file was kept as .*settings\.json\.corrupt-2026-11-22T10-00-00-000Z\./);
    const aside = readdirSync(dir).find((f) => f.includes('corrupt'))!;
    expect(readFileSync(path.join(dir, aside), 'utf8')).toBe(content);
  });
});
