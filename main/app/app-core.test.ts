// The pure parts of the app core: change detection, health and summary, settings recovery.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { describe, expect, it } from 'vitest';
import type { ProjectView, VmView } from '../../contract/api.js';
import { describeChange, detectChanges } from './change-detector.js';
import { computeHealth, summarize } from './health.js';
import { openSettings, SETTINGS_SCHEMA } from './settings.js';

const diff = (machineName: string, from: string | null, to: string | null) => ({ key: `/p#${machineName}`, project: 'p', machineName, from, to });

describe('detectChanges', () => {
  it('turns recorded IPv4 diffs into changed / appeared / lost', () => {
    const { changes } = detectChanges([diff('web', '172.18.0.2', '172.18.0.9'), diff('db', null, '172.18.0.3'), diff('cache', '172.18.0.4', null)], [], new Set());
    expect(changes.map((c) => c.kind)).toEqual(['changed', 'appeared', 'lost']);
    expect(changes.map(describeChange)).toEqual([
      { title: 'web: new IP address', body: '172.18.0.2 → 172.18.0.9 (p)' },
      { title: 'db is on the network', body: '172.18.0.3 (p)' },
      { title: 'cache lost its IP address', body: 'was 172.18.0.4 (p)' },
    ]);
  });
  it('reports a duplicate once, and again only after it cleared', () => {
    const dup = { ip: '172.18.0.9', vms: [{ project: 'p', machineName: 'db' }, { project: 'p', machineName: 'web' }] };
    const first = detectChanges([], [dup], new Set());
    expect(first.changes).toEqual([{ kind: 'duplicate', key: '172.18.0.9|p/db,p/web', ip: '172.18.0.9', machines: ['db', 'web'] }]);
    expect(detectChanges([], [dup], first.reported).changes).toEqual([]);
    const cleared = detectChanges([], [], first.reported);
    expect(detectChanges([], [dup], cleared.reported).changes).toHaveLength(1);
  });
});

function vm(over: Partial<VmView>): VmView {
  return { key: '/p#web', machineName: 'web', vmName: 'p-web', status: 'running', vmState: 'Running', provider: 'Hyper-V', lookedIn: 'Hyper-V', ipv4: '172.18.0.2', ipv6: [], tier: { id: 'kvp', label: 'KVP', help: '' }, mac: null, discoveredAt: null, previousIpv4: null, facts: [], sshOpen: true, duplicateOf: [], warnings: [], sync: { success: true, skipped: false, changed: false, message: null, problem: null, at: '2026-11-22T10:00:00.000Z' }, ...over };
}
const project = (vms: VmView[], over: Partial<ProjectView> = {}): ProjectView => ({ configPath: '/p', name: 'p', error: null, vms, hostsBlock: '', warnings: [], ...over });
const base = { busy: 'idle' as const, hypervisorError: null, duplicates: [], paused: false, lastPassAt: '2026-11-22T09:58:00.000Z' };

describe('health and summary', () => {
  it('good / attention / error / working', () => {
    expect(computeHealth({ ...base, projects: [project([vm({})])] })).toBe('good');
    expect(computeHealth({ ...base, projects: [project([vm({ status: 'initializing', ipv4: null })])] })).toBe('attention');
    expect(computeHealth({ ...base, projects: [project([vm({ sync: { success: false, skipped: false, changed: false, message: 'x', problem: 'auth', at: '' } })])] })).toBe('attention');
    expect(computeHealth({ ...base, projects: [project([vm({ warnings: [{ code: 'hyperv/kvp-no-contact', text: "KVP reports 'No Contact'" }] })])] })).toBe('attention');
    expect(computeHealth({ ...base, duplicates: [{ ip: '1.2.3.4', vms: [] }], projects: [project([vm({})])] })).toBe('attention');
    expect(computeHealth({ ...base, projects: [project([], { error: 'broken yaml' })] })).toBe('attention');
    expect(computeHealth({ ...base, hypervisorError: 'no access', projects: [] })).toBe('error');
    expect(computeHealth({ ...base, busy: 'reconciling', hypervisorError: 'no access', projects: [] })).toBe('working');
  });
  it('summary: "3 VMs · 2 running · hosts in sync · 2 min ago"', () => {
    const now = new Date('2026-11-22T10:00:00.000Z');
    expect(summarize({ ...base, projects: [project([vm({}), vm({ key: 'b' }), vm({ key: 'c', status: 'stopped', ipv4: null, sync: null })])] }, now)).toBe('3 VMs · 2 running · hosts in sync · 2 min ago');
    expect(summarize({ ...base, paused: true, projects: [project([vm({ sync: null })])] }, now)).toBe('1 VM · 1 running · hosts not synced yet · 2 min ago · paused');
    expect(summarize({ ...base, projects: [] }, now)).toBe('No project watched yet');
    expect(summarize({ ...base, hypervisorError: 'Hyper-V could not be queried: denied\nhint', projects: [] }, now)).toBe('Hypervisor unreachable · Hyper-V could not be queried: denied');
  });
});

describe('openSettings', () => {
  const open = (dir: string) => () => new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', schema: SETTINGS_SCHEMA, projectName: 'ragnatramp-tray' });

  it('defaults first, then what was saved', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-set-'));
    const s = openSettings(path.join(dir, 'settings.json'), open(dir));
    expect(s.get()).toEqual({ projects: [], pollSeconds: 10, notifications: true, autoSync: false, launchAtLogin: false, sshConfig: false });
    s.set({ ...s.get(), pollSeconds: 30, projects: ['/a/ragnatramp.yaml'] });
    expect(openSettings(path.join(dir, 'settings.json'), open(dir)).get()).toMatchObject({ pollSeconds: 30, projects: ['/a/ragnatramp.yaml'] });
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
