// libvirt's own facts about a VM: the connection it was found through, the network its first
// interface is on, and whether the guest agent answered (the agent tier).

import type { AgentAnswer } from '../provider-entry.js';

export interface LibvirtDetail {
  provider: 'libvirt';
  uri: string;
  /** The libvirt network (or bridge) of its first interface; null when it has none or was not found. */
  network: string | null;
  /** 'answered', 'no answer' (with why), or 'not asked' (a lease had the address, or the VM is off). */
  agent: AgentAnswer;
}
