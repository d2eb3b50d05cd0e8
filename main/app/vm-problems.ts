// What needs the user's attention about one VM, in the few words the header, the tray tooltip
// and the row's badges use ("KVP No Contact", "hosts out of date"). Pure: read from the view's
// typed fields and warning codes, never from text.

import type { VmView } from '../../contract/api.js';

// Warnings a running VM can carry that the fields below do not already say.
const WARNING_LABELS: Record<string, string> = {
  'no-ssh-settings': 'no ssh settings',
  'not-in-config': 'not in ragnatramp.yaml',
  'bad-hostname': 'name unusable in hosts',
  'several-addresses': 'several addresses',
  'vm-unreadable': 'unreadable',
  'hyperv/no-default-switch': 'no Default Switch adapter',
  'hyperv/ambiguous-name': 'two VMs share its name',
};

export function vmProblems(vm: Omit<VmView, 'problems'>): string[] {
  if (vm.status === 'missing') return [vm.warnings.some((w) => w.code === 'not-created') ? 'not created yet' : 'VM missing'];
  if (vm.status === 'stopped') return [];
  const out: string[] = [];
  const failing = vm.facts.filter((f) => f.ok === false).map((f) => `${f.label} ${f.value}`);
  if (!vm.ipv4) out.push(failing.length > 0 ? `IP unknown: ${failing[0]}` : 'IP unknown');
  else out.push(...failing);
  if (vm.duplicateOf.length > 0) out.push('duplicate IP');
  if (vm.ipv4 && vm.sshOpen === false) out.push('SSH closed');
  if (vm.sync && !vm.sync.success) out.push(vm.sync.problem === 'host-key-changed' ? 'host key changed' : 'hosts sync failed');
  else if (vm.hostsStale) out.push('hosts out of date');
  for (const w of vm.warnings) {
    const label = WARNING_LABELS[w.code];
    if (label && !out.includes(label)) out.push(label);
  }
  return out;
}
