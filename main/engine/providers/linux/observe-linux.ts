// Tiered discovery on a Linux host, as a pure function of one pass's facts: find each VM in the
// inventory (by id, else by name), then take its IPv4 from a DHCP lease, else from the kernel's
// neighbour table by MAC, else report none. Same results as Hyper-V's; only the facts differ.

import { normalizeMac } from '../../discovery/net-address.js';
import { pickNeighbor, type NeighborEntry } from '../../discovery/pick-neighbor.js';
import type { Power, VmObservation, VmRef } from '../../discovery/observation.js';
import type { NetworkState } from '../../seed-types.js';
import { warning } from '../../warning.js';
import { pickLease, type Lease } from './linux-facts.js';

export interface InventoryVm {
  name: string;
  id: string | null;
  mac: string;
  power: Power;
  /** The inventory's own word for the state (libvirt's 'shut off'; 'running' or 'off' for the manifest). */
  state: string;
  /** Where the VM was listed. */
  from: 'manifest' | 'libvirt';
}

export interface LinuxFacts {
  inventory: InventoryVm[];
  leases: Lease[];
  neighbors: NeighborEntry[];
}

const LOOKED_IN = 'the manifest and libvirt';
const NEIGHBOUR_TABLE = "the kernel's neighbour table";

export function observeLinux(refs: VmRef[], facts: LinuxFacts, now: string): VmObservation[] {
  const nowMs = Date.parse(now);
  return refs.map((ref): VmObservation => {
    const vm = (ref.vmId && facts.inventory.find((v) => v.id?.toLowerCase() === ref.vmId!.toLowerCase())) || facts.inventory.find((v) => v.name === ref.vmName);
    if (!vm) {
      const w = ref.vmId
        ? warning('vm-missing', `VM '${ref.vmName}' is recorded in state.json but neither the manifest nor libvirt lists it: add it to the manifest, or run 'ragnatramp up' to recreate it.`)
        : warning('not-created', `Machine '${ref.machineName}' has not been created yet: run 'ragnatramp up'.`);
      return { ref, found: false, hypervisorId: null, power: 'missing', vmState: 'missing', network: null, tier: null, warnings: [w], lookedIn: LOOKED_IN, detail: { provider: 'linux', listedBy: null } };
    }
    const observation: VmObservation = { ref, found: true, hypervisorId: vm.id ?? `${vm.from}:${vm.name}`, power: vm.power, vmState: vm.state, network: null, tier: null, warnings: [], lookedIn: LOOKED_IN, detail: { provider: 'linux', listedBy: vm.from } };
    if (vm.power !== 'running') return observation;
    const mac = normalizeMac(vm.mac);
    const network: NetworkState = { ipv4: null, mac, adapterName: null, discoveredAt: now, source: 'lease' };
    const leased = mac ? pickLease(mac, facts.leases, nowMs) : null;
    if (leased) return { ...observation, network: { ...network, ipv4: leased }, tier: 'lease' };
    const pick = mac ? pickNeighbor(mac, facts.neighbors) : { ip: null, others: [] };
    if (pick.ip) {
      const found: VmObservation = { ...observation, network: { ...network, ipv4: pick.ip, source: 'arp' }, tier: 'arp' };
      return pick.others.length === 0 ? found : { ...found, addressChoice: { candidates: [pick.ip, ...pick.others], by: 'freshest', table: NEIGHBOUR_TABLE } };
    }
    const w = warning('no-ipv4', `VM is running but has no IPv4 yet: no DHCP lease and no neighbour entry for MAC ${mac ?? vm.mac}. If this lasts, check that the guest got a lease ('ip -4 addr' inside it) and that the manifest lists its lease file.`);
    return { ...observation, network, warnings: [w] };
  });
}
