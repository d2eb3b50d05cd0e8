// Seed 000's data contract: the shapes state.json holds and the CLI's --json output carries
// (NetworkState, DiscoveryResult, DiagnosticResult, ReconcileResult, ...). The engine's own
// per-VM shapes are discovery/observation.ts (what a provider saw) and plan/vm-record.ts (what
// the plan decided).

/** Network discovery state for a managed VM (persisted as state.json vms[m].network). */
export interface NetworkState {
  ipv4: string | null;
  ipv6?: string[];
  mac: string | null;
  adapterName?: string | null;
  discoveredAt: string | null;
  /** Seed 000's four; 'lease' (DHCP lease files) and 'dns' (the DHCP server's DNS) are the Linux provider's. */
  source: 'hyperv' | 'arp' | 'guest-file' | 'guest-cmd' | 'lease' | 'dns';
  previousIpv4?: string | null;
  /**
   * Added by the tray (not in seed 000): while a VM is stopped, the previousIpv4 it had before it
   * stopped, so that a restart on the same address restores it.
   */
  previousIpv4BeforeStop?: string | null;
}

export interface SSHConfig {
  user: string;
  private_key: string;
}

export interface ResolvedSSHConfig {
  user: string;
  /** Absolute, expanded path. */
  privateKeyPath: string;
}

export interface DiscoveryResult {
  machineName: string;
  vmName: string;
  vmState: 'Running' | 'Off' | 'Saved' | 'Paused' | string;
  network: NetworkState | null;
  /** Which tier succeeded: seed 000's 'kvp' or 'arp', or another provider's (e.g. 'lease'). */
  tier: string | null;
  warnings: string[];
  /** Added: a running VM whose address no tier found this pass; the address state.json keeps. */
  keptIpv4?: string;
  /** Added: state.json's address, confirmed this pass by the VM's pinned SSH host key answering there (seed 003's cached tier). */
  cachedIpv4?: string;
}

export type KvpStatus = 'OK' | 'No Contact' | 'Disabled' | 'Unknown';

export interface DiagnosticResult {
  machineName: string;
  vmName: string;
  kvpStatus: KvpStatus;
  sshReachable: boolean | null;
  warnings: string[];
}

export interface StateDiff {
  machineName: string;
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

export interface HostsSyncResult {
  machineName: string;
  success: boolean;
  skipped: boolean;
  skipReason?: string;
  error?: string;
}

export interface ReconcileResult {
  success: boolean;
  discoveries: DiscoveryResult[];
  diffs: StateDiff[];
  hostsSyncResults: HostsSyncResult[];
  hostsBlock: string;
  warnings: string[];
}

/** Seed 003's status state machine. */
export type VmStatus = 'missing' | 'stopped' | 'initializing' | 'booting' | 'running';
