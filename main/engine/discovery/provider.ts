// What every hypervisor provider offers the engine: one call that observes a set of VMs in a
// single pass, and may hear back what the pass's SSH probes found at the addresses it gave.

import type { VmObservation, VmRef } from './observation.js';

/** An address a provider gave for a VM (by its hypervisorId), and whether it answered SSH this pass. */
export interface SshAnswer {
  hypervisorId: string;
  ipv4: string;
  open: boolean;
}

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
  /**
   * After a pass's SSH probes: whether each address this provider gave answered on port 22. A
   * provider that remembers its guests' answers between passes asks again where an address that
   * answered stopped answering.
   */
  sshAnswers?(answers: SshAnswer[]): void;
  dispose(): Promise<void>;
}
