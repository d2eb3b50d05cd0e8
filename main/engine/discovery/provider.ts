// What every hypervisor provider offers the engine: one call that observes a set of VMs in a
// single pass. Hyper-V and (later) Linux differ only in how they gather the facts.

import type { VmObservation, VmRef } from '../types.js';

export interface DiscoveryProvider {
  readonly name: string;
  /**
   * One discovery pass over the given VMs: one observation per ref, in order, carrying the very
   * ref object it answers. Rejects with HypervisorError if nothing can be learned.
   */
  observe(refs: VmRef[], now: string): Promise<VmObservation[]>;
  dispose(): Promise<void>;
}
