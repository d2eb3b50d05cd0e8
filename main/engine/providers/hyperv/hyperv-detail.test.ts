// What a KVP state means for the user, and the fix that is offered for it.
import { describe, expect, it } from 'vitest';
import { kvpAdvice, KVP_WARNING } from './hyperv-detail.js';

const vm = { name: "p-web-'x", id: '6f1c2d9e-0000-4000-8000-000000000001' };

describe('kvpAdvice', () => {
  it('OK: nothing to say', () => {
    expect(kvpAdvice({ status: 'OK', detail: null }, vm, false)).toEqual([]);
  });
  it('No Contact: the KVP daemon fix, with the ARP note when ARP found the IP', () => {
    const [w] = kvpAdvice({ status: 'No Contact', detail: null }, vm, true);
    expect(w!.code).toBe(KVP_WARNING.noContact);
    expect(w!.text).toMatch(/'No Contact'.*\(the tray found it in the ARP table instead\).*linux-cloud-tools-\$\(uname -r\).*modprobe -r hv_utils && sudo modprobe hv_utils.*hyperv-daemons/);
    expect(kvpAdvice({ status: 'No Contact', detail: null }, vm, false)[0]!.text).not.toContain('ARP table instead');
  });
  it('Lost Communication: restart the daemon', () => {
    const [w] = kvpAdvice({ status: 'No Contact', detail: 'Lost Communication' }, vm, false);
    expect(w).toMatchObject({ code: KVP_WARNING.lost, text: expect.stringMatching(/lost communication.*systemctl restart hv-kvp-daemon/) });
  });
  it('Disabled: the host-side command, selecting the VM by id, quoted', () => {
    expect(kvpAdvice({ status: 'Disabled', detail: null }, vm, false)[0]!.text).toContain("Hyper-V\\Get-VM -Id '6f1c2d9e-0000-4000-8000-000000000001' | Hyper-V\\Get-VMIntegrationService | Where-Object { $_.Id -like '*2A34B1C2-FD73-4043-8A5B-DD2159BC743F' } | Hyper-V\\Enable-VMIntegrationService");
  });
});
