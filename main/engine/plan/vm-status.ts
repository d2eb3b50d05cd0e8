// Seed 003's status state machine, from what one pass observed.

import { isActive, type Power } from '../discovery/observation.js';
import type { VmStatus } from '../seed-types.js';

export function vmStatus(found: boolean, power: Power, ipv4: string | null, sshOpen: boolean | null): VmStatus {
  if (!found) return 'missing';
  if (!isActive(power)) return 'stopped';
  if (!ipv4) return 'initializing';
  return sshOpen ? 'running' : 'booting';
}
