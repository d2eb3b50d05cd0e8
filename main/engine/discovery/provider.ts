// What every hypervisor provider offers the engine: one call that observes a set of VMs in a
// single pass, may hear back what the pass's SSH probes found at the addresses it gave, and,
// where the provider has a seam for it, starts and stops one VM.

import type { VmObservation, VmRef } from './observation.js';

/** A VM as its hypervisor lists it: the name it gives it and its own id. */
export interface ListedVm {
  name: string;
  id: string;
}

/** Which of a hypervisor's VMs a project takes: all of them, or (Proxmox VE) one pool's or one tag's. */
export interface VmSelection {
  pool?: string;
  tag?: string;
}

export type PowerAction = 'start' | 'stop' | 'restart';

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
   * Every VM the hypervisor (the folder, the URI, the cluster) has, for a project the tray
   * defines by its provider alone; rejects with HypervisorError as observe does.
   */
  list?(selection: VmSelection): Promise<ListedVm[]>;
  /**
   * Starts, stops (the guest shuts down) or restarts the VM this observation describes, through
   * the provider's own seam. Resolves with what was done, in words; rejects with HypervisorError
   * saying why and what to do. Absent where the provider has no way to power VMs.
   */
  power?(vm: VmObservation, action: PowerAction): Promise<string>;
  /**
   * After a pass's SSH probes: whether each address this provider gave answered on port 22. A
   * provider that remembers its guests' answers between passes asks again where an address that
   * answered stopped answering.
   */
  sshAnswers?(answers: SshAnswer[]): void;
  dispose(): Promise<void>;
}
