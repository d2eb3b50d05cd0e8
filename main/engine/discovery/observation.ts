// What one discovery pass learned about one VM, in the provider-neutral shape every provider
// returns: whether the hypervisor has it, its power state, the network facts the tiers found,
// warnings with codes, and the provider's own facts in `detail`.

import type { NetworkState } from '../seed-types.js';
import type { Warning } from '../warning.js';
import type { ProviderDetail } from '../providers/provider-detail.js';

/** One VM the engine is asked about: a state.json entry (or a config machine not created yet). */
export interface VmRef {
  project: string;
  machineName: string;
  /** Full hypervisor VM name, `{project}-{machine}-{hash8}`. */
  vmName: string;
  /** The hypervisor's id from state.json; null when unknown. */
  vmId: string | null;
  /** The IPv4 state.json last recorded (seed 003's cached tier). */
  lastKnown?: { ipv4: string };
}

/**
 * The provider-neutral power state; each provider maps its own state names onto it and keeps
 * its own word in `vmState` for display.
 */
export type Power = 'running' | 'starting' | 'stopping' | 'paused' | 'saved' | 'off' | 'missing' | 'unknown';

/** States in which the guest runs (or is about to) and can hold a DHCP lease. */
export const isActive = (power: Power): boolean => power === 'running' || power === 'starting';

/** How the fallback tier chose among several IPv4s for one MAC. */
export interface AddressChoice {
  /** Every IPv4 it found, the chosen one first. */
  candidates: string[];
  /** 'freshest': the tier's own order; 'port-22': the only one answering SSH. */
  by: 'freshest' | 'port-22';
  /** Where they were found, in words: "the host's ARP table". */
  table: string;
}

export interface VmObservation {
  ref: VmRef;
  found: boolean;
  /** The hypervisor's own id for the VM it matched (pins SSH host keys); null when not found. */
  hypervisorId: string | null;
  power: Power;
  /** The hypervisor's own word for the state (Hyper-V's 'Running', libvirt's 'paused'). */
  vmState: string;
  /** What the tiers found; null when the VM is not running or was not found. */
  network: NetworkState | null;
  /** The tier that found the IPv4 ('kvp', 'arp', 'lease'); null when none did. */
  tier: string | null;
  addressChoice?: AddressChoice;
  /**
   * Seed 003's cached tier: state.json's last IPv4, confirmed this pass because the guest
   * answering there offers this VM's pinned SSH host key. Kept apart from `network`, which
   * stays what the provider's own tiers found (seed 000's DiscoveryResult.network).
   */
  cached?: { ipv4: string };
  /**
   * Set when SSH reaches the guest through a port forward on this host rather than at an address
   * of its own (QEMU's user-mode network): where, and why its peers cannot reach it.
   */
  forward?: { host: string; port: number; isolated: string };
  /** For a VM that is off: the command that starts it, where it is not 'ragnatramp up' (quickemu's own). */
  startWith?: string;
  warnings: Warning[];
  /** Where the provider looked, in words, for "found nothing": "Hyper-V", "libvirt at qemu:///system". */
  lookedIn: string;
  detail: ProviderDetail;
}
