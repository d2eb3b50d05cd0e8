// The plan's finished record of one VM: every fact about it decided once (its current IPv4, the
// tier, SSH, duplicates, the sync decision, what state.json will hold, its warnings), so that the
// worker's view, the CLI's tables, the change detector and the log read the same record and
// nothing downstream re-derives a fact.

import type { Power } from '../discovery/observation.js';
import type { ProviderDetail } from '../providers/provider-detail.js';
import type { DiagnosticResult, DiscoveryResult, NetworkState, VmStatus } from '../seed-types.js';

/** Seed 000's DiagnosticResult, with kvpStatus only where there is KVP (Hyper-V). */
export type ProviderDiagnostic = Omit<DiagnosticResult, 'kvpStatus'> & Partial<Pick<DiagnosticResult, 'kvpStatus'>>;
import type { SshTarget } from '../ssh/ssh-session.js';
import { texts, type Warning } from '../warning.js';

export interface DuplicatePeer {
  project: string;
  configPath: string;
  machineName: string;
}

export type SyncDecision = { action: 'sync' } | { action: 'skip'; reason: string };

export interface VmRecord {
  machineName: string;
  vmName: string;
  status: VmStatus;
  found: boolean;
  power: Power;
  /** The hypervisor's own word for the state. */
  vmState: string;
  /** Where the provider looked, for "not found": "Hyper-V". */
  lookedIn: string;
  /** The VM's current IPv4: set only while it is active. Every consumer reads this one. */
  ipv4: string | null;
  ipv6: string[];
  mac: string | null;
  /** The tier that found ipv4 ('kvp', 'arp', 'lease', or 'cache' for a confirmed cached address); null when none did. */
  tier: string | null;
  /** Whether port 22 answered at ipv4; null when there was no ipv4 to try. */
  sshOpen: boolean | null;
  /** Where SSH reaches the VM when it has no address of its own (a port forward on this host). */
  forward: { host: string; port: number } | null;
  /** The other VMs (in any project) that report the same IPv4. */
  duplicateOf: DuplicatePeer[];
  /** How the tray logs in to this VM now, whether or not this pass syncs; null when it cannot. */
  sshTarget: SshTarget | null;
  /** This pass's hosts sync decision. */
  sync: SyncDecision;
  /** The decision a pass that syncs would make: why its hosts cannot be synced now, also in a pass that syncs none. */
  syncable: SyncDecision;
  /** What discovery found this pass (seed 000's DiscoveryResult.network). */
  observed: NetworkState | null;
  /** The network state.json holds after this plan (the current one when unchanged). */
  recorded: NetworkState | null;
  /** A running VM whose address was not found this pass: the one state.json keeps. */
  keptIpv4: string | null;
  /** The recorded IPv4 before and after, when this plan changes it. */
  ipChange: { from: string | null; to: string | null } | null;
  /** Its names besides the machine name (the domain's, its aliases), checked as host names. */
  aliases: string[];
  warnings: Warning[];
  detail: ProviderDetail;
}

/**
 * Seed 000's DiscoveryResult (the CLI's reconcile --json): the seed's fields hold only what the
 * provider's own tiers found; what the tray knows besides is said in added fields.
 */
export function toDiscoveryResult(r: VmRecord): DiscoveryResult {
  const cached = r.tier === 'cache';
  return {
    machineName: r.machineName,
    vmName: r.vmName,
    vmState: r.vmState,
    network: r.observed,
    tier: cached ? null : r.tier,
    warnings: texts(r.warnings),
    ...(r.keptIpv4 ? { keptIpv4: r.keptIpv4 } : {}),
    ...(cached ? { cachedIpv4: r.ipv4! } : {}),
  };
}

/** Seed 000's DiagnosticResult; kvpStatus is Hyper-V's, so another provider's VM has none. */
export function toDiagnosticResult(r: VmRecord): ProviderDiagnostic {
  return { machineName: r.machineName, vmName: r.vmName, ...(r.detail.provider === 'hyperv' ? { kvpStatus: r.detail.kvp.status } : {}), sshReachable: r.sshOpen, warnings: texts(r.warnings) };
}
