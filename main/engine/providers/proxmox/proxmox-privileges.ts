// The privileges the tray's API token needs, by Proxmox VE release, for every message and help
// text that names them. PVE 9 (qemu-server 9.0.3, commit b92a40ce) moved the guest agent's
// read-only commands from VM.Monitor to VM.GuestAgent.Audit (qemu-server
// src/PVE/API2/Qemu/Agent.pm:65-68, checked with VM.GuestAgent.Unrestricted as an alternative at
// :184), and pve-access-control 9 dropped VM.Monitor: a role naming it is refused ("invalid
// privilege", src/PVE/AccessControl.pm:1235). Listing guests and reading their config needs
// VM.Audit in both.

export interface Privileges {
  /** What the agent endpoint needs. */
  agent: string;
  /** Everything, as a role's -privs list. */
  all: string;
}

export function privilegesFor(release: number | null): Privileges {
  if (release !== null && release < 9) return { agent: 'VM.Monitor', all: 'VM.Audit,VM.Monitor' };
  if (release !== null) return { agent: 'VM.GuestAgent.Audit', all: 'VM.Audit,VM.GuestAgent.Audit' };
  return { agent: 'VM.GuestAgent.Audit (Proxmox VE 9; VM.Monitor on 8)', all: 'VM.Audit,VM.GuestAgent.Audit (Proxmox VE 9) or VM.Audit,VM.Monitor (Proxmox VE 8)' };
}

/** For help texts written before the cluster is asked. */
export const PRIVILEGES_HELP = 'VM.Audit and VM.GuestAgent.Audit on /vms (Proxmox VE 9; VM.Audit and VM.Monitor on Proxmox VE 8)';
