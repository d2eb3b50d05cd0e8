import { describe, expect, it } from 'vitest';
import type { KvpStatus, VmObservation } from '../types.js';
import { diagnose } from './diagnose.js';

function o(kvp: KvpStatus, opts: { state?: string; ipv4?: string | null; detail?: string | null; found?: boolean; provider?: 'hyperv' | 'linux' } = {}): VmObservation {
  const found = opts.found ?? true;
  const state = opts.state ?? 'Running';
  return {
    ref: { project: 'p', machineName: 'web', vmName: "p-web-'x", vmId: 'id' },
    provider: opts.provider ?? 'hyperv',
    found,
    hypervisorId: found ? '6f1c2d9e-0000-4000-8000-000000000001' : null,
    discovery: {
      machineName: 'web',
      vmName: "p-web-'x",
      vmState: found ? state : 'Missing',
      network: state === 'Running' && found ? { ipv4: opts.ipv4 === undefined ? '172.18.0.2' : opts.ipv4, mac: '00155D000001', discoveredAt: 'now', source: 'arp' } : null,
      tier: null,
      warnings: found ? [] : ['VM missing'],
    },
    kvp: { status: kvp, detail: opts.detail ?? null },
  };
}
const ssh = { name: 'web', ssh: { user: 'u', privateKeyPath: '/k' } };

describe('diagnose', () => {
  it('all good: no warnings', () => {
    expect(diagnose(o('OK'), true, ssh, '/c.yaml')).toEqual({ machineName: 'web', vmName: "p-web-'x", kvpStatus: 'OK', sshReachable: true, warnings: [] });
  });
  it('No Contact: the KVP daemon fix, with the ARP note', () => {
    const w = diagnose(o('No Contact'), true, ssh, '/c.yaml').warnings;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/'No Contact'.*\(the tray found it in the ARP table instead\).*linux-cloud-tools-\$\(uname -r\).*modprobe -r hv_utils && sudo modprobe hv_utils.*hyperv-daemons/);
  });
  it('Lost Communication: restart the daemon', () => {
    expect(diagnose(o('No Contact', { detail: 'Lost Communication' }), true, ssh, '/c.yaml').warnings[0]).toMatch(/lost communication.*systemctl restart hv-kvp-daemon/);
  });
  it('Disabled: the host-side command, selecting the VM by id, quoted', () => {
    expect(diagnose(o('Disabled'), true, ssh, '/c.yaml').warnings[0]).toContain("Hyper-V\\Get-VM -Id '6f1c2d9e-0000-4000-8000-000000000001' | Hyper-V\\Get-VMIntegrationService | Where-Object { $_.Id -like '*2A34B1C2-FD73-4043-8A5B-DD2159BC743F' } | Hyper-V\\Enable-VMIntegrationService");
  });
  it('SSH closed: how to start sshd; SSH unknown without an IP', () => {
    expect(diagnose(o('OK'), false, ssh, '/c.yaml').warnings[0]).toMatch(/port 22 at 172\.18\.0\.2 does not answer: start sshd/);
    expect(diagnose(o('OK', { ipv4: null }), null, ssh, '/c.yaml').sshReachable).toBeNull();
  });
  it('stopped and missing VMs say what to do', () => {
    expect(diagnose(o('Unknown', { state: 'Off' }), null, ssh, '/c.yaml').warnings).toEqual(["VM is Off: start it ('ragnatramp up') to discover its IP and sync its hosts."]);
    expect(diagnose(o('Unknown', { found: false }), null, ssh, '/c.yaml').warnings).toEqual(['VM missing']);
  });
  it('KVP is not checked for guests of a Linux host', () => {
    expect(diagnose(o('Unknown', { provider: 'linux' }), true, ssh, '/c.yaml').warnings).toEqual([]);
  });
  it('no ssh settings, or a machine gone from the config', () => {
    expect(diagnose(o('OK'), true, { name: 'web' }, '/c.yaml').warnings[0]).toMatch(/No ssh settings for 'web'.*\/c\.yaml/);
    expect(diagnose(o('OK'), true, undefined, '/c.yaml').warnings[0]).toMatch(/no longer in \/c\.yaml/);
  });
});
