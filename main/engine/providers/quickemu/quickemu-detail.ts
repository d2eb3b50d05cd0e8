// quickemu's own facts about a VM: how it is networked (user-mode with a port forward, a bridge,
// a Mac's vmnet NIC, or none), which .conf describes it, and whether its guest agent answered.

import type { AgentAnswer } from '../provider-entry.js';

export interface QuickemuDetail {
  provider: 'quickemu';
  /** The .conf file; null when no .conf matches the VM. */
  conf: string | null;
  /** 'vmnet': a Mac guest on a vmnet NIC added through extra_args (its mode in `vmnet`). */
  network: 'user' | 'bridge' | 'none' | 'vmnet' | null;
  vmnet?: 'vmnet-shared' | 'vmnet-host' | 'vmnet-bridged' | 'socket_vmnet';
  /** The bridge's name, for a bridged VM. */
  bridge?: string;
  /** The host port forwarded to the guest's port 22, for a user-mode VM. */
  sshPort?: number | null;
  /** The guest agent over `<vm>-agent.sock`: 'not asked' when the VM is off or has no such socket. */
  agent?: AgentAnswer;
  /** A user-mode guest's own address as its agent reports it (10.0.2.15): shown, never reached or shared. */
  guestIpv4?: string | null;
}
