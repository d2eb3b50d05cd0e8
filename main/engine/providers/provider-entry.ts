// What a provider registers: its name and label, the options it takes, its tiers (labels and
// help for the window and the CLI), how its own facts read as a row's facts, and a factory that
// builds its edges. The factory is imported lazily, so that reading the registry (the worker's
// views, option parsing in Electron's main process) loads no hypervisor client.

import type { CommandRunner } from '../discovery/host-neighbors.js';
import type { VmRef } from '../discovery/observation.js';
import type { DiscoveryProvider } from '../discovery/provider.js';
import type { EngineDeps } from '../inspect.js';
import type { Log } from '../log/log-file.js';
import type { PowerShellRunner } from './hyperv/powershell-runner.js';
import type { ProviderDetail } from './provider-detail.js';
import type { FileHostKeyStore } from '../ssh/known-hosts.js';
import type { SshTarget } from '../ssh/ssh-session.js';
import type { SimulatedPowerShell } from '../simulator/simulated-powershell.js';
import type { SimulatedGuests } from '../simulator/simulated-network.js';

export interface TierInfo {
  label: string;
  help: string;
}

/** One fact of a provider's own, as a row shows it: "KVP: No Contact", with why when it is not ok. */
export interface ProviderFact {
  label: string;
  value: string;
  /** true: fine; false: needs attention; null: not applicable or not known. */
  ok: boolean | null;
  why: string | null;
}

/** The start-up options every host (CLI, Electron, browser host) passes to the environment. */
export interface ProviderOptions {
  /** A Hyper-V simulation scenario: the simulator answers instead of PowerShell. */
  simulate?: string;
  /** The Linux provider's inventory (VMs, MACs, lease files). */
  manifest?: string;
  /** The quickemu provider's folder of <vm>.conf files. */
  quickemu?: string;
  /** The libvirt provider's connection URI. */
  libvirt?: string;
  /** The Proxmox VE provider's cluster URL, and the file holding its API token. */
  proxmox?: string;
  proxmoxToken?: string;
  /** The token itself, from the app's credential store (then no token file is read). */
  proxmoxTokenValue?: string;
}

/** What the factory gets: the edges shared by every provider. */
export interface SharedEdges {
  hostKeys: FileHostKeyStore;
  /** Real SSH and port probes (a simulation may answer with its own guests instead). */
  net: Pick<EngineDeps, 'connector' | 'probe' | 'offeredHostKey'>;
  log?: (line: string) => void;
  logger?: Log;
  powershellTimeoutMs: number;
  onFirstUse?: (target: SshTarget, fingerprint: string) => void;
  /** Something the user must be told once, not only logged (a certificate pinned on first use). */
  onNotice?: (text: string) => void;
  /** The host's OS: macOS reads bootpd's leases and `arp -an`, has no `ip` and no bridge helper. */
  platform: NodeJS.Platform;
}

export interface ProviderParts {
  provider: DiscoveryProvider;
  /** Set when the simulator's guests answer SSH and probes instead of the network. */
  net?: Pick<EngineDeps, 'connector' | 'probe' | 'offeredHostKey'>;
  powershell?: PowerShellRunner;
  simulator?: { powershell: SimulatedPowerShell; guests: SimulatedGuests | null };
}

/** One check of this computer (`doctor`, and "This PC" in the window): pass, fail or skip, and the fix in the app's words. */
export interface HostCheck {
  step: string;
  /** null: skipped (an earlier step failed, or it does not apply). */
  ok: boolean | null;
  detail: string;
  fix: string | null;
}

/** What a provider's host checks are given: its options and the edges its environment built. */
export interface HostCheckContext {
  options: ProviderOptions;
  /** The SSH pin store: its folder is the tray's (token files, TLS pins live beside it). */
  hostKeys: FileHostKeyStore;
  /** Hyper-V's PowerShell (or its simulator), as the environment built it. */
  powershell?: PowerShellRunner;
  simulated: boolean;
  platform: NodeJS.Platform;
  /** The VMs of the projects that use this provider (libvirt looks at their networks). */
  refs: VmRef[];
  /** Runs a program without a shell (tests give their own). */
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
  logger?: Log;
  onNotice?: (text: string) => void;
}

export interface ProviderEntry {
  name: string;
  /** For people: "Hyper-V". */
  label: string;
  /** The ProviderOptions keys it accepts, with what each is for (CLI help). */
  options: Partial<Record<keyof ProviderOptions, string>>;
  tiers: Record<string, TierInfo>;
  /** The option a project's provider choice sets (Settings: a URI, a folder, a cluster, a file), in words, and whether it must be given. */
  projectOption?: { key: keyof ProviderOptions; words: string; required: boolean };
  /** Whether discovery depends on Hyper-V's KVP daemon in the guest (the guest checks look for it). */
  guestNeedsKvpDaemon?: boolean;
  facts(detail: ProviderDetail): ProviderFact[];
  create(options: ProviderOptions, shared: SharedEdges): Promise<ProviderParts>;
  /** This computer's checks for the provider (imported lazily, as `create`), in the order a user fixes them. */
  hostChecks(context: HostCheckContext): Promise<HostCheck[]>;
}

/** Whether a guest agent (or the API standing in for it) answered: 'not asked' when no tier needed it. */
export interface AgentAnswer {
  state: 'answered' | 'no answer' | 'not asked';
  why: string | null;
}

/** An agent's answer as a row's fact; only a silent agent that was asked needs attention. */
export function agentFact(label: string, agent: AgentAnswer, notAsked: string): ProviderFact {
  const value = agent.state === 'answered' ? 'answers' : agent.state === 'no answer' ? 'no answer' : notAsked;
  return { label, value, ok: agent.state === 'no answer' ? false : null, why: agent.why };
}

/** The neighbour-table tier, which every provider can fall back to. */
export const ARP_TIER: TierInfo = { label: 'ARP', help: "Found in the host's ARP (neighbour) table by the VM's MAC address" };

/** Seed 003's cached tier: state.json's last address, used only once the VM itself answers there. */
export const CACHE_TIER: TierInfo = { label: 'cache', help: "The address state.json last recorded; no other tier knew one, but the guest answering SSH there offers this VM's pinned host key" };
