// Tiered discovery on a Linux host, as a pure function of one pass's facts: find each VM in the
// inventory (by id, else by name), then take its IPv4 from a DHCP lease, else from its console
// log (cloud-init's table), else from the kernel's neighbour table by MAC, else from the DHCP
// server's DNS, else report none (seed 003's tiers; the cached one is inspect.ts's, for all).

import { addressFromTiers, type Lease } from '../../discovery/address-tiers.js';
import type { NeighborEntry } from '../../discovery/pick-neighbor.js';
import type { Power, VmObservation, VmRef } from '../../discovery/observation.js';
import type { NetworkState } from '../../seed-types.js';
import { warning } from '../../warning.js';

export interface InventoryVm {
  name: string;
  id: string | null;
  mac: string;
  power: Power;
  /** The state in words: 'running' or 'off'. */
  state: string;
  /** Where the VM was listed. */
  from: 'manifest';
}

export interface LinuxFacts {
  inventory: InventoryVm[];
  leases: Lease[];
  neighbors: NeighborEntry[];
  /** Per VM name, its console log's text (seed 003's first tier), where the manifest names one. */
  consoleLogs?: ReadonlyMap<string, string>;
  /** Per VM name, the IPv4 its hostname resolves to at the DHCP server's DNS (null: none). */
  registered?: ReadonlyMap<string, string | null>;
  /** Why the host's neighbour table could not be read this pass (its tier found nothing). */
  neighbourError?: string;
}

const LOOKED_IN = 'the manifest';
const NEIGHBOUR_TABLE = "the kernel's neighbour table";

export function observeLinux(refs: VmRef[], facts: LinuxFacts, now: string): VmObservation[] {
  const nowMs = Date.parse(now);
  return refs.map((ref): VmObservation => {
    const vm = (ref.vmId && facts.inventory.find((v) => v.id?.toLowerCase() === ref.vmId!.toLowerCase())) || facts.inventory.find((v) => v.name === ref.vmName);
    if (!vm) {
      const w = ref.vmId
        ? warning('vm-missing', `VM '${ref.vmName}' is recorded in state.json but the manifest does not list it: add it to the manifest, or run 'ragnatramp up' to recreate it.`)
        : warning('not-created', `Machine '${ref.machineName}' has not been created yet: run 'ragnatramp up'.`);
      return { ref, found: false, hypervisorId: null, power: 'missing', vmState: 'missing', network: null, tier: null, warnings: [w], lookedIn: LOOKED_IN, detail: { provider: 'linux', listedBy: null } };
    }
    const observation: VmObservation = { ref, found: true, hypervisorId: vm.id ?? `${vm.from}:${vm.name}`, power: vm.power, vmState: vm.state, network: null, tier: null, warnings: [], lookedIn: LOOKED_IN, detail: { provider: 'linux', listedBy: vm.from } };
    if (vm.power !== 'running') return observation;
    const found = addressFromTiers(vm.mac, { leases: facts.leases, consoleLog: facts.consoleLogs?.get(vm.name), neighbors: facts.neighbors, registered: facts.registered?.get(vm.name), neighbourTable: NEIGHBOUR_TABLE }, nowMs);
    const mac = found.mac;
    const network: NetworkState = { ipv4: null, mac, adapterName: null, discoveredAt: now, source: 'lease' };
    if (found.ipv4) return { ...observation, network: { ...network, ipv4: found.ipv4, source: found.source }, tier: found.tier, ...(found.addressChoice ? { addressChoice: found.addressChoice } : {}) };
    const table = facts.neighbourError ? ` (the neighbour table could not be read: ${facts.neighbourError})` : '';
    const w = warning('no-ipv4', `VM is running but has no IPv4 yet: no DHCP lease, console log entry, neighbour entry${table} or DNS name for MAC ${mac ?? vm.mac}. If this lasts, check that the guest got a lease ('ip -4 addr' inside it) and that the manifest lists its lease file.`);
    return { ...observation, network, warnings: [w] };
  });
}
