// Notices follow the README and say one cause once (issue 23, points 7 and 9): a stopped VM is
// "stopped", a VM that goes missing and all VMs gone are told, a renumbering of several VMs is one
// notice with one "Sync now", and no Sync now is offered for a sync that would skip the VMs.
import { describe, expect, it } from 'vitest';
import type { IpChange, ProjectView, VmView } from '../../contract/api.js';
import { describeChange, detectChanges, NOTHING_REPORTED } from './change-detector.js';
import { passNotices, SYNC_NOW } from './pass-notices.js';

const vm = (machineName: string, over: Partial<VmView> = {}): VmView => ({
  key: `/p#${machineName}`, machineName, vmName: `p-${machineName}`, status: 'running', vmState: 'Running', provider: 'Hyper-V', lookedIn: 'Hyper-V',
  ipv4: '172.18.0.2', ipv6: [], tier: null, mac: null, discoveredAt: null, previousIpv4: null, lastKnownIpv4: null,
  hostsStale: false, hostsSkip: null, problems: [], muted: [], facts: [], sshOpen: true, sshAt: null, duplicateOf: [], warnings: [], sync: null, history: [], ...over,
});
const project = (vms: VmView[]): ProjectView => ({ configPath: '/p', name: 'p', error: null, vms, hostsBlock: '', warnings: [] });
const diff = (machineName: string, from: string | null, to: string | null) => ({ key: `/p#${machineName}`, configPath: '/p', project: 'p', machineName, from, to });
const missing = (machineName: string) => vm(machineName, { status: 'missing', ipv4: null, warnings: [{ code: 'vm-missing', text: '…' }] });

describe('what a pass tells', () => {
  it('a stopped VM is "stopped", not "lost its IP address"', () => {
    const { changes } = detectChanges([diff('web', '172.18.0.2', null)], [], [project([vm('web', { status: 'stopped', ipv4: null })])], NOTHING_REPORTED);
    expect(changes).toEqual([{ kind: 'stopped', key: '/p#web', configPath: '/p', project: 'p', machineName: 'web', from: '172.18.0.2' }]);
    expect(describeChange(changes[0]!).title).toBe('web stopped');
  });

  it('a VM that goes missing is told once; all VMs gone at once are one notice', () => {
    const first = detectChanges([], [], [project([vm('web'), missing('db')])], NOTHING_REPORTED);
    expect(first.changes).toEqual([{ kind: 'missing', key: '/p#db', configPath: '/p', project: 'p', machineName: 'db', lookedIn: 'Hyper-V' }]);
    expect(describeChange(first.changes[0]!).title).toBe('db: VM missing');
    expect(detectChanges([], [], [project([vm('web'), missing('db')])], first.reported).changes).toEqual([]);
    const gone = detectChanges([], [], [project([missing('web'), missing('db'), missing('cache')])], first.reported);
    expect(gone.changes).toEqual([{ kind: 'gone', key: '/p#*', configPath: '/p', project: 'p', count: 3, lookedIn: 'Hyper-V' }]);
    expect(describeChange(gone.changes[0]!).title).toBe('All 3 VMs of p are gone');
    // A VM never created is not missing.
    expect(detectChanges([], [], [project([vm('web', { status: 'missing', ipv4: null, warnings: [{ code: 'not-created', text: '…' }] })])], NOTHING_REPORTED).changes).toEqual([]);
  });
});

describe('passNotices', () => {
  const moved = (machineName: string, from: string, to: string, hostsSkip: string | null = null): IpChange => ({ kind: 'changed', key: `/p#${machineName}`, configPath: '/p', project: 'p', machineName, from, to, hostsSkip });

  it('a host reboot that renumbers 3 VMs is one notice with one Sync now', () => {
    const notices = passNotices([moved('web', '172.18.0.2', '172.18.0.12'), moved('db', '172.18.0.3', '172.18.0.13'), moved('cache', '172.18.0.4', '172.18.0.14')], false);
    expect(notices).toEqual([{ key: 'renumbered:/p#web,/p#db,/p#cache', title: '3 VMs renumbered · hosts out of date', body: 'web 172.18.0.2 → 172.18.0.12, db 172.18.0.3 → 172.18.0.13, cache 172.18.0.4 → 172.18.0.14', vmKey: null, sync: ['/p'] }]);
    expect(SYNC_NOW).toBe('Sync now');
    // Synced automatically: told, nothing to press.
    expect(passNotices([moved('web', '1.1.1.1', '1.1.1.2'), moved('db', '1.1.1.3', '1.1.1.4')], true)).toMatchObject([{ title: '2 VMs renumbered · hosts being synced', sync: null }]);
  });

  it('a change that creates a duplicate offers no Sync now: that sync would skip it', () => {
    const skip = 'duplicate IPv4 172.18.0.3 (shared with db)';
    const notices = passNotices([moved('web', '172.18.0.2', '172.18.0.3', skip), { kind: 'duplicate', key: 'sig', ip: '172.18.0.3', machines: ['web', 'db'] }], false);
    expect(notices.map((n) => n.sync)).toEqual([null, null]);
    expect(notices[0]!.body).toBe(`172.18.0.2 → 172.18.0.3 (p) · hosts sync skipped: ${skip}`);
    expect(passNotices([moved('web', '172.18.0.2', '172.18.0.9')], false)[0]).toMatchObject({ sync: ['/p'], vmKey: '/p#web', body: '172.18.0.2 → 172.18.0.9 (p) · hosts out of date' });
  });
});
