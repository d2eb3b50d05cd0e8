// The warnings the plan raises itself for a VM (SSH closed, stopped or missing, no SSH settings).
import { describe, expect, it } from 'vitest';
import type { ResolvedMachine } from '../config/load-project.js';
import type { Power, VmObservation } from '../discovery/observation.js';
import { warning } from '../warning.js';
import { plan } from './plan.js';
import { toDiagnosticResult } from './vm-record.js';

function o(opts: { power?: Power; ipv4?: string | null; found?: boolean; linux?: boolean } = {}): VmObservation {
  const found = opts.found ?? true;
  const power = found ? (opts.power ?? 'running') : 'missing';
  return {
    ref: { project: 'p', machineName: 'web', vmName: "p-web-'x", vmId: 'id' },
    found,
    hypervisorId: found ? '6f1c2d9e-0000-4000-8000-000000000001' : null,
    power,
    vmState: { running: 'Running', off: 'Off', missing: 'Missing' }[power as string] ?? power,
    network: power === 'running' ? { ipv4: opts.ipv4 === undefined ? '172.18.0.2' : opts.ipv4, mac: '00155D000001', discoveredAt: 'now', source: 'arp' } : null,
    tier: 'arp',
    warnings: found ? [] : [warning('vm-missing', 'VM missing')],
    lookedIn: 'Hyper-V',
    detail: opts.linux ? { provider: 'linux', listedBy: 'manifest' } : { provider: 'hyperv', kvp: { status: 'OK', detail: null } },
  };
}
const ssh: ResolvedMachine = { name: 'web', ssh: { user: 'u', privateKeyPath: '/k' } };

function record(obs: VmObservation, sshOpen: boolean | null, machine: ResolvedMachine | null = ssh) {
  const p = plan({ now: 'now', syncHosts: true, projects: [{ name: 'p', configPath: '/c.yaml', machines: machine ? [machine] : [], state: null, observations: [obs], sshOpen: { web: sshOpen } }] });
  return p.projects[0]!.vms[0]!;
}
const codes = (r: ReturnType<typeof record>) => r.warnings.map((w) => w.code);

describe("the plan's own VM warnings", () => {
  it('all good: none, and the seed DiagnosticResult says so', () => {
    expect(toDiagnosticResult(record(o(), true))).toEqual({ machineName: 'web', vmName: "p-web-'x", kvpStatus: 'OK', sshReachable: true, warnings: [] });
  });
  it('SSH closed: how to start sshd; SSH unknown without an IP', () => {
    const r = record(o(), false);
    expect(codes(r)).toEqual(['ssh-closed']);
    expect(r.warnings[0]!.text).toMatch(/port 22 at 172\.18\.0\.2 does not answer: start sshd/);
    expect(record(o({ ipv4: null }), true).sshOpen).toBeNull();
  });
  it('stopped and missing VMs say what to do; the provider speaks for a missing one', () => {
    expect(record(o({ power: 'off' }), null).warnings).toEqual([{ code: 'vm-stopped', text: "VM is Off: start it ('ragnatramp up') to discover its IP and sync its hosts." }]);
    // A provider with its own start command (quickemu) is started with it, not with Ragnatramp.
    expect(record({ ...o({ power: 'off' }), vmState: 'stopped', startWith: 'quickemu --vm /vms/web.conf' }, null).warnings[0]!.text).toBe('VM is stopped: start it (quickemu --vm /vms/web.conf) to discover its IP and sync its hosts.');
    const missing = record(o({ found: false }), null);
    expect(missing.warnings).toEqual([{ code: 'vm-missing', text: 'VM missing' }]);
    expect(missing.sync).toEqual({ action: 'skip', reason: 'VM not found in Hyper-V' });
  });
  it('a Linux guest has no KVP: no kvpStatus field and no KVP warning (issue 21 point 5)', () => {
    const r = record(o({ linux: true }), true);
    expect(r.warnings).toEqual([]);
    expect(toDiagnosticResult(r)).toEqual({ machineName: 'web', vmName: "p-web-'x", sshReachable: true, warnings: [] });
  });
  it('no ssh settings, or a machine gone from the config', () => {
    expect(record(o(), true, { name: 'web' }).warnings[0]).toMatchObject({ code: 'no-ssh-settings', text: expect.stringMatching(/No ssh settings for 'web'.*\/c\.yaml/), brief: 'no ssh settings' });
    expect(record(o(), true, null).warnings[0]!.text).toMatch(/no longer in \/c\.yaml/);
  });
});
