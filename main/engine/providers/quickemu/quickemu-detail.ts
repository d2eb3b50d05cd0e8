// quickemu's own facts about a VM: how it is networked (user-mode with a port forward, a bridge,
// or none) and which .conf describes it.

export interface QuickemuDetail {
  provider: 'quickemu';
  /** The .conf file; null when no .conf matches the VM. */
  conf: string | null;
  network: 'user' | 'bridge' | 'none' | null;
  /** The bridge's name, for a bridged VM. */
  bridge?: string;
  /** The host port forwarded to the guest's port 22, for a user-mode VM. */
  sshPort?: number | null;
}
