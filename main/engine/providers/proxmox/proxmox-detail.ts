// Proxmox VE's own facts about a guest: where it runs, what it is, and whether its address
// source (the QEMU guest agent, or a container's own interfaces) answered.

import type { AgentAnswer } from '../provider-entry.js';

export interface ProxmoxDetail {
  provider: 'proxmox';
  /** The cluster node and guest id, "pve1/101"; null when not found. */
  where: string | null;
  kind: 'qemu' | 'lxc' | null;
  /** 'answered', 'no answer' (with why), 'not asked' (not running). */
  agent: AgentAnswer;
}
