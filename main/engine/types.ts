// The engine's data contract: seed 000's types verbatim, plus the few internal shapes that
// every engine module shares. Nothing here does I/O.

/** Network discovery state for a managed VM (persisted as state.json vms[m].network). */
export interface NetworkState {
  ipv4: string | null;
  ipv6?: string[];
  mac: string | null;
  adapterName?: string | null;
  discoveredAt: string | null;
  /** 'lease' is reserved for the Linux provider (DHCP lease files). */
  source: 'hyperv' | 'arp' | 'guest-file' | 'guest-cmd' | 'lease';
  previousIpv4?: string | null;
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

export type Tier = 'kvp' | 'arp' | 'lease';

export interface DiscoveryResult {
  machineName: string;
  vmName: string;
  vmState: 'Running' | 'Off' | 'Saved' | 'Paused' | string;
  network: NetworkState | null;
  tier: Tier | null;
  warnings: string[];
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

/** vmState reported for a VM that state.json names but the hypervisor does not have. */
export const VM_STATE_MISSING = 'Missing';

/** One VM the engine is asked about: a state.json entry (or a config machine not created yet). */
export interface VmRef {
  project: string;
  machineName: string;
  /** Full hypervisor VM name, `{project}-{machine}-{hash8}`. */
  vmName: string;
  /** Hyper-V GUID from state.json; null when unknown. */
  vmId: string | null;
}

/** What one discovery pass learned about one VM, before planning. */
export interface VmObservation {
  ref: VmRef;
  /** Which hypervisor answered: KVP checks only make sense for Hyper-V. */
  provider: 'hyperv' | 'linux';
  found: boolean;
  /** The hypervisor's own id for the VM it matched (pins SSH host keys); null when not found. */
  hypervisorId: string | null;
  discovery: DiscoveryResult;
  /** Every IPv4 the ARP tier found for the MAC, best first, when it found more than one. */
  arpCandidates?: string[];
  /** KVP integration service status as the hypervisor reports it, with the raw detail. */
  kvp: { status: KvpStatus; detail: string | null };
}
