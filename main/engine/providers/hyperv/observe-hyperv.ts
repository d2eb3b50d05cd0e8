// Seed 000/001's tiered discovery over one Hyper-V snapshot, as a pure function: for each VM
// asked about, find it (by id, else by name), pick its Default Switch adapter, then take the
// IPv4 from KVP, else from the host's neighbour table by MAC, else report none.

import { connectDefaultSwitchCommand } from '../../diagnostics/fix-commands.js';
import { isIpv4, isLinkLocal, isUsableIpv4, normalizeMac } from '../../discovery/net-address.js';
import { pickNeighbor } from '../../discovery/pick-neighbor.js';
import { VM_STATE_MISSING, type DiscoveryResult, type KvpStatus, type NetworkState, type VmObservation, type VmRef } from '../../types.js';
import { DEFAULT_SWITCH_ID } from './discovery-script.js';
import type { HvAdapter, HvKvp, HvVm, HyperVSnapshot } from './parse-output.js';

const DEFAULT_SWITCH_NAME = 'Default Switch';

export function observeHyperV(refs: VmRef[], snapshot: HyperVSnapshot, now: string): VmObservation[] {
  return refs.map((ref) => observeOne(ref, snapshot, now));
}

export function findVm(ref: VmRef, vms: HvVm[]): { vm: HvVm | null; ambiguous: number } {
  if (ref.vmId) {
    const byId = vms.find((v) => v.id === ref.vmId!.toLowerCase());
    if (byId) return { vm: byId, ambiguous: 0 };
  }
  const byName = vms.filter((v) => v.name === ref.vmName);
  const matches = byName.length > 0 ? byName : vms.filter((v) => v.name.toLowerCase() === ref.vmName.toLowerCase());
  // Hyper-V allows two VMs with one name; an id in state.json would have told them apart.
  const sorted = [...matches].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { vm: sorted[0] ?? null, ambiguous: sorted.length > 1 ? sorted.length : 0 };
}

function observeOne(ref: VmRef, snapshot: HyperVSnapshot, now: string): VmObservation {
  const { vm, ambiguous } = findVm(ref, snapshot.vms);
  const base = { machineName: ref.machineName, vmName: ref.vmName };
  if (!vm) {
    // Outside Hyper-V Administrators Get-VM lists nothing: "run ragnatramp up" would be wrong.
    const warning = snapshot.host.member === false
      ? `Hyper-V shows your account no VMs: you are not in the 'Hyper-V Administrators' group (SID S-1-5-32-578). Ask an administrator to add you, then sign out and back in.`
      : ref.vmId
        ? `VM '${ref.vmName}' is recorded in state.json but Hyper-V has no such VM: it was deleted outside Ragnatramp, or you cannot see it (are you in 'Hyper-V Administrators'?). Run 'ragnatramp up' to recreate it.`
        : `Machine '${ref.machineName}' has not been created yet: run 'ragnatramp up'.`;
    return { ref, provider: 'hyperv', found: false, hypervisorId: null, discovery: { ...base, vmState: VM_STATE_MISSING, network: null, tier: null, warnings: [warning] }, kvp: { status: 'Unknown', detail: 'VM not found' } };
  }
  const warnings: string[] = [];
  if (vm.error) {
    // This VM alone could not be read; the pass goes on for the others.
    warnings.push(`Hyper-V could not read this VM's details (${vm.error.message || vm.error.errorId}); it may be being created, changed or deleted. The next pass looks again.`);
    return { ref, provider: 'hyperv', found: true, hypervisorId: vm.id, discovery: { ...base, vmState: vm.state, network: null, tier: null, warnings }, kvp: { status: 'Unknown', detail: 'the VM could not be read' } };
  }
  if (ambiguous) warnings.push(`Hyper-V has ${ambiguous} VMs named '${ref.vmName}'; using ${vm.id}. Record the right VM id in state.json to choose.`);
  const kvp = kvpStatus(vm.kvp);
  const discovery: DiscoveryResult = { ...base, vmState: vm.state, network: null, tier: null, warnings };
  if (vm.state !== 'Running') return { ref, provider: 'hyperv', found: true, hypervisorId: vm.id, discovery, kvp };

  const adapter = defaultSwitchAdapter(vm.adapters);
  if (!adapter) {
    const seen = vm.adapters.map((a) => `${a.name ?? 'adapter'} on ${a.switchName ? `'${a.switchName}'` : 'no switch'}`).join(', ');
    warnings.push(`VM has no network adapter on the Default Switch${seen ? ` (it has: ${seen})` : ''}. Add one (its other adapters stay as they are), in PowerShell: ${connectDefaultSwitchCommand(vm.name, vm.id)}`);
    return { ref, provider: 'hyperv', found: true, hypervisorId: vm.id, discovery, kvp };
  }
  const mac = normalizeMac(adapter.mac);
  const kvpAddresses = adapter.ipAddresses.filter((ip) => !isLinkLocal(ip));
  const ipv6 = kvpAddresses.filter((ip) => ip.includes(':'));
  const network: NetworkState = { ipv4: null, ...(ipv6.length > 0 ? { ipv6 } : {}), mac, adapterName: adapter.name, discoveredAt: now, source: 'hyperv' };
  discovery.network = network;

  const kvpIpv4 = kvpAddresses.find((ip) => isIpv4(ip) && isUsableIpv4(ip));
  if (kvpIpv4) {
    network.ipv4 = kvpIpv4;
    discovery.tier = 'kvp';
    return { ref, provider: 'hyperv', found: true, hypervisorId: vm.id, discovery, kvp };
  }
  const pick = mac ? pickNeighbor(mac, snapshot.neighbors) : { ip: null, others: [] };
  if (pick.ip) {
    network.ipv4 = pick.ip;
    network.source = 'arp';
    discovery.tier = 'arp';
    if (kvp.status !== 'OK') warnings.push(`IPv4 found in the host's ARP table because Hyper-V's KVP reports '${kvp.status}'${kvp.detail ? ` (${kvp.detail})` : ''}; install the guest's KVP daemon for KVP reporting ('diagnose' shows how).`);
    if (pick.others.length === 0) return { ref, provider: 'hyperv', found: true, hypervisorId: vm.id, discovery, kvp };
    warnings.push(`The host's ARP table has several IPv4 addresses for MAC ${mac}: using ${pick.ip}, passing over ${pick.others.join(', ')}.`);
    return { ref, provider: 'hyperv', found: true, hypervisorId: vm.id, discovery, kvp, arpCandidates: [pick.ip, ...pick.others] };
  }
  const onlyOther = adapter.ipAddresses.length > 0 ? ` KVP reports only ${adapter.ipAddresses.join(', ')}.` : '';
  warnings.push(`VM is running but has no IPv4 yet: neither Hyper-V's KVP nor the host's ARP table knows one for MAC ${mac ?? '(none)'}.${onlyOther} If this lasts, check that the guest got a DHCP lease ('ip -4 addr' inside it).`);
  return { ref, provider: 'hyperv', found: true, hypervisorId: vm.id, discovery, kvp };
}

function defaultSwitchAdapter(adapters: HvAdapter[]): HvAdapter | null {
  const onDefault = adapters.filter((a) => a.switchId === DEFAULT_SWITCH_ID);
  const candidates = onDefault.length > 0 ? onDefault : adapters.filter((a) => a.switchName === DEFAULT_SWITCH_NAME);
  return candidates.find((a) => a.ipAddresses.some((ip) => isUsableIpv4(ip))) ?? candidates[0] ?? null;
}

// PrimaryStatusDescription is localized: map the PrimaryOperationalStatus number.
const KVP_CODES: Record<number, { status: KvpStatus; detail: string | null }> = {
  2: { status: 'OK', detail: null },
  12: { status: 'No Contact', detail: null },
  13: { status: 'No Contact', detail: 'Lost Communication' },
  32896: { status: 'Disabled', detail: null },
};

export function kvpStatus(kvp: HvKvp | null): VmObservation['kvp'] {
  if (!kvp) return { status: 'Unknown', detail: 'Hyper-V lists no Key-Value Pair Exchange service for this VM' };
  if (!kvp.enabled) return { status: 'Disabled', detail: null };
  if (kvp.operationalStatus === null) return { status: 'Unknown', detail: kvp.description ?? 'no status reported (the VM is not running)' };
  return KVP_CODES[kvp.operationalStatus] ?? { status: 'Unknown', detail: kvp.description ?? `status code ${kvp.operationalStatus}` };
}
