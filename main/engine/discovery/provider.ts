// What every hypervisor provider offers the engine: one call that observes a set of VMs in a
// single pass. Hyper-V and (later) Linux differ only in how they gather the facts.

import type { VmObservation, VmRef } from './observation.js';

export interface DiscoveryProvider {
  readonly name: string;
  /**
   * One discovery pass over the given VMs: one observation per ref, in order, carrying the very
   * ref object it answers. Rejects with HypervisorError if nothing can be learned.
   */
  observe(refs: VmRef[], now: string): Promise<VmObservation[]>;
  /**
   * Where the host can tell, calls `onHint` soon after something that may have moved a VM's
   * address (a new DHCP lease, a new neighbour entry), so that a watcher need not only poll.
   * Returns a function that stops watching.
   */
  watch?(onHint: () => void): () => void;
  dispose(): Promise<void>;
}
