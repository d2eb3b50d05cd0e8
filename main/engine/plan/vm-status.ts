// Seed 003's status state machine, from what one pass observed.

import type { VmObservation, VmStatus } from '../types.js';

// States in which the guest runs (or is about to) and can hold a DHCP lease.
const ACTIVE_STATES = new Set(['Running', 'Starting', 'Resuming', 'Reset']);

export function isActive(vmState: string): boolean {
  return ACTIVE_STATES.has(vmState);
}

export function vmStatus(observation: VmObservation, sshOpen: boolean | null): VmStatus {
  if (!observation.found) return 'missing';
  if (!isActive(observation.discovery.vmState)) return 'stopped';
  if (!observation.discovery.network?.ipv4) return 'initializing';
  return sshOpen ? 'running' : 'booting';
}
