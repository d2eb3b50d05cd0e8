// Tiered discovery on a Linux host, as a pure function of one pass's facts: find each VM in the
// inventory (by id, else by name), then take its IPv4 from a DHCP lease, else from the kernel's
// neighbour table by MAC, else report none. Same results as Hyper-V's; only the facts differ.

import { normalizeMac } from '../../discovery/net-address.js';
import { pickNeighbor, type NeighborEntry } from '../../discovery/pick-neighbor.js';
import { VM_STATE_MISSING, type DiscoveryResult, type NetworkState, type VmObservation, type VmRef } from '../../types.js';
import { pickLease, type Lease } from './linux-facts.js';

export interface InventoryVm {
  name: string;
  id: string | null;
  mac: string;
  /** A Hyper-V state name: Running, Off, Paused, … */
  state: string;
  /** Where the VM was listed: 'manifest' or 'libvirt'. */
  from: string;
}

export interface LinuxFacts {
  inventory: InventoryVm[];
  leases: Lease[];
  neighbors: NeighborEntry[];
}

const NOT_HYPERV = { status: 'Unknown' as const, detail: 'not a Hyper-V guest' };

export function observeLinux(refs: VmRef[], facts: LinuxFacts, now: string): VmObservation[] {
  const nowMs = Date.parse(now);
  return refs.map((ref) => {
    const vm = (ref.vmId && facts.inventory.find((v) => v.id?.toLowerCase() === ref.vmId!.toLowerCase())) || facts.inventory.find((v) => v.name === ref.vmName);
    const base = { machineName: ref.machineName, vmName: ref.vmName };
    if (!vm) {
      const warning = ref.vmId
        ? `VM '${ref.vmName}' is recorded in state.json but neither the manifest nor libvirt lists it: add it to the manifest, or run 'ragnatramp up' to recreate it.`
        : `Machine '${ref.machineName}' has not been created yet: run 'ragnatramp up'.`;
      return { ref, provider: 'linux', found: false, hypervisorId: null, discovery: { ...base, vmState: VM_STATE_MISSING, network: null, tier: null, warnings: [warning] }, kvp: NOT_HYPERV };
    }
    const discovery: DiscoveryResult = { ...base, vmState: vm.state, network: null, tier: null, warnings: [] };
    const observation: VmObservation = { ref, provider: 'linux', found: true, hypervisorId: vm.id ?? `${vm.from}:${vm.name}`, discovery, kvp: NOT_HYPERV };
    if (vm.state !== 'Running') return observation;
    const mac = normalizeMac(vm.mac);
    const network: NetworkState = { ipv4: null, mac, adapterName: null, discoveredAt: now, source: 'lease' };
    discovery.network = network;
    const leased = mac ? pickLease(mac, facts.leases, nowMs) : null;
    if (leased) {
      network.ipv4 = leased;
      discovery.tier = 'lease';
      return observation;
    }
    const pick = mac ? pickNeighbor(mac, facts.neighbors) : { ip: null, others: [] };
    if (pick.ip) {
      network.ipv4 = pick.ip;
      network.source = 'arp';
      discovery.tier = 'arp';
      if (pick.others.length === 0) return observation;
      discovery.warnings.push(`The kernel's neighbour table has several IPv4 addresses for MAC ${mac}: using ${pick.ip}, passing over ${pick.others.join(', ')}.`);
      return { ...observation, arpCandidates: [pick.ip, ...pick.others] };
    }
    discovery.warnings.push(`VM is running but has no IPv4 yet: no DHCP lease and no neighbour entry for MAC ${mac ?? vm.mac}. If this lasts, check that the guest got a lease ('ip -4 addr' inside it) and that the manifest lists its lease file.`);
    return observation;
  });
}
