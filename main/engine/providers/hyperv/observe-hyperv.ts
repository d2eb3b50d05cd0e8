// Seed 000/001's tiered discovery over one Hyper-V snapshot, as a pure function: for each VM
// asked about, find it (by id, else by name), pick its Default Switch adapter, then take the
// IPv4 from KVP, else from the host's neighbour table by MAC, else report none. KVP's status
// and what it calls for ride along as the VM's Hyper-V detail and warnings.

import { connectDefaultSwitchCommand } from './fix-commands.js';
import { isIpv4, isLinkLocal, isUsableIpv4, normalizeMac } from '../../discovery/net-address.js';
import { pickNeighbor } from '../../discovery/pick-neighbor.js';
import type { Power, VmObservation, VmRef } from '../../discovery/observation.js';
import type { KvpStatus, NetworkState } from '../../seed-types.js';
import { warning } from '../../warning.js';
import { DEFAULT_SWITCH_ID } from './discovery-script.js';
import { kvpAdvice, type HypervDetail } from './hyperv-detail.js';
import type { HvAdapter, HvKvp, HvVm, HyperVSnapshot } from './parse-output.js';

const DEFAULT_SWITCH_NAME = 'Default Switch';
const ARP_TABLE = "the host's ARP table";

export const HYPERV_WARNING = {
  ambiguousName: 'hyperv/ambiguous-name',
  noDefaultSwitch: 'hyperv/no-default-switch',
} as const;

// Hyper-V's VM states (Msvm_ComputerSystem EnabledState names, as Get-VM shows them).
const POWER: Record<string, Power> = {
  Running: 'running', Starting: 'starting', Resuming: 'starting', Reset: 'starting',
  Stopping: 'stopping', Saving: 'stopping', Pausing: 'stopping', FastSaving: 'stopping',
  Off: 'off', Saved: 'saved', FastSaved: 'saved', Paused: 'paused',
};

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
  const missing = (kvp: HypervDetail['kvp']) => ({ ref, found: false, hypervisorId: null, power: 'missing' as const, vmState: 'Missing', network: null, tier: null, lookedIn: 'Hyper-V', detail: { provider: 'hyperv' as const, kvp } });
  if (!vm) {
    const unlisted = snapshot.errors.find((e) => e.scope === 'list');
    if (unlisted) {
      // Get-VM could not read some VM while listing: this one may be it, so it is not called deleted.
      const w = warning('vm-unreadable', `Hyper-V could not read every VM while listing them (${unlisted.message || unlisted.errorId}); '${ref.vmName}' may be one of them. The next pass looks again.`, 'unreadable');
      return { ...missing({ status: 'Unknown', detail: 'the VM could not be read' }), power: 'unknown', vmState: 'Unknown', warnings: [w] };
    }
    // Outside Hyper-V Administrators nothing is listed: the provider says so before this runs.
    const w = ref.vmId
      ? warning('vm-missing', `VM '${ref.vmName}' is recorded in state.json but Hyper-V has no such VM: it was deleted outside Ragnatramp, or you cannot see it (are you in 'Hyper-V Administrators'?). Run 'ragnatramp up' to recreate it.`)
      : warning('not-created', `Machine '${ref.machineName}' has not been created yet: run 'ragnatramp up'.`);
    return { ...missing({ status: 'Unknown', detail: 'VM not found' }), warnings: [w] };
  }
  const base = { ref, found: true, hypervisorId: vm.id, power: POWER[vm.state] ?? 'unknown', vmState: vm.state, lookedIn: 'Hyper-V' };
  if (vm.error) {
    // This VM alone could not be read; the pass goes on for the others.
    const w = warning('vm-unreadable', `Hyper-V could not read this VM's details (${vm.error.message || vm.error.errorId}); it may be being created, changed or deleted. The next pass looks again.`, 'unreadable');
    // Seed 000 keeps `network: null` for VMs that are not running: a running one read nothing.
    const network: NetworkState | null = vm.state === 'Running' ? { ipv4: null, mac: null, adapterName: null, discoveredAt: now, source: 'hyperv' } : null;
    return { ...base, network, tier: null, warnings: [w], detail: { provider: 'hyperv', kvp: { status: 'Unknown', detail: 'the VM could not be read' } } };
  }
  const warnings = ambiguous ? [warning(HYPERV_WARNING.ambiguousName, `Hyper-V has ${ambiguous} VMs named '${ref.vmName}'; using ${vm.id}. Record the right VM id in state.json to choose.`, 'two VMs share its name')] : [];
  const kvp = kvpStatus(vm.kvp);
  const detail: HypervDetail = { provider: 'hyperv', kvp };
  const off = { ...base, network: null, tier: null, warnings, detail };
  if (vm.state !== 'Running') return { ...off, warnings: base.power === 'starting' ? [...warnings, ...kvpAdvice(kvp, vm, false)] : warnings };

  const adapter = defaultSwitchAdapter(vm.adapters);
  if (!adapter) {
    const seen = vm.adapters.map((a) => `${a.name ?? 'adapter'} on ${a.switchName ? `'${a.switchName}'` : 'no switch'}`).join(', ');
    warnings.push(warning(HYPERV_WARNING.noDefaultSwitch, `VM has no network adapter on the Default Switch${seen ? ` (it has: ${seen})` : ''}. Add one (its other adapters stay as they are), in PowerShell: ${connectDefaultSwitchCommand(vm.name, vm.id)}`, 'no Default Switch adapter'));
    // Seed 000: `mac: null` means "no adapter"; `network: null` is for VMs that are not running.
    const none: NetworkState = { ipv4: null, mac: null, adapterName: null, discoveredAt: now, source: 'hyperv' };
    return { ...off, network: none, warnings: [...warnings, ...kvpAdvice(kvp, vm, false)] };
  }
  const mac = normalizeMac(adapter.mac);
  const kvpAddresses = adapter.ipAddresses.filter((ip) => !isLinkLocal(ip));
  const ipv6 = kvpAddresses.filter((ip) => ip.includes(':'));
  const network: NetworkState = { ipv4: null, ...(ipv6.length > 0 ? { ipv6 } : {}), mac, adapterName: adapter.name, discoveredAt: now, source: 'hyperv' };

  const kvpIpv4 = kvpAddresses.find((ip) => isIpv4(ip) && isUsableIpv4(ip));
  if (kvpIpv4) return { ...base, network: { ...network, ipv4: kvpIpv4 }, tier: 'kvp', warnings: [...warnings, ...kvpAdvice(kvp, vm, false)], detail };
  const pick = mac ? pickNeighbor(mac, snapshot.neighbors) : { ip: null, others: [] };
  if (pick.ip) {
    const found = { ...base, network: { ...network, ipv4: pick.ip, source: 'arp' as const }, tier: 'arp', warnings: [...warnings, ...kvpAdvice(kvp, vm, true)], detail };
    return pick.others.length === 0 ? found : { ...found, addressChoice: { candidates: [pick.ip, ...pick.others], by: 'freshest', table: ARP_TABLE } };
  }
  const onlyOther = adapter.ipAddresses.length > 0 ? ` KVP reports only ${adapter.ipAddresses.join(', ')}.` : '';
  warnings.push(warning('no-ipv4', `VM is running but has no IPv4 yet: neither Hyper-V's KVP nor the host's ARP table knows one for MAC ${mac ?? '(none)'}.${onlyOther} If this lasts, check that the guest got a DHCP lease ('ip -4 addr' inside it).`));
  return { ...base, network, tier: null, warnings: [...warnings, ...kvpAdvice(kvp, vm, false)], detail };
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

export function kvpStatus(kvp: HvKvp | null): HypervDetail['kvp'] {
  if (!kvp) return { status: 'Unknown', detail: 'Hyper-V lists no Key-Value Pair Exchange service for this VM' };
  if (!kvp.enabled) return { status: 'Disabled', detail: null };
  if (kvp.operationalStatus === null) return { status: 'Unknown', detail: kvp.description ?? 'no status reported (the VM is not running)' };
  return KVP_CODES[kvp.operationalStatus] ?? { status: 'Unknown', detail: kvp.description ?? `status code ${kvp.operationalStatus}` };
}
