// Seed 003's status state machine, from what one pass observed.

import { isActive, type Power } from '../discovery/observation.js';
import type { VmStatus } from '../seed-types.js';

/**
 * `reachable`: the VM has an address to try SSH at (its IPv4, or a port forward on this host).
 * `hadAddress`: state.json holds the address this run of the VM had (a stop moves it aside), so
 * a VM without one now lost it: it is running with its IP unknown, not initializing (issue 23,
 * point 6: seed 003's initializing is a VM that has not had an address since it started).
 */
export function vmStatus(found: boolean, power: Power, reachable: boolean, sshOpen: boolean | null, hadAddress = false): VmStatus {
  if (!found) return 'missing';
  if (!isActive(power)) return 'stopped';
  if (!reachable) return hadAddress ? 'running' : 'initializing';
  return sshOpen ? 'running' : 'booting';
}
