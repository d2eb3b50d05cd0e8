// Seed 003's status state machine, from what one pass observed.

import { isActive, type Power } from '../discovery/observation.js';
import type { VmStatus } from '../seed-types.js';

/** `reachable`: the VM has an address to try SSH at (its IPv4, or a port forward on this host). */
export function vmStatus(found: boolean, power: Power, reachable: boolean, sshOpen: boolean | null): VmStatus {
  if (!found) return 'missing';
  if (!isActive(power)) return 'stopped';
  if (!reachable) return 'initializing';
  return sshOpen ? 'running' : 'booting';
}
