// The typed messages between the main thread and the engine worker.

import type { DiagnosticView, DuplicateView, HostChecksView, HostsSyncView, KvpFixResult, PowerAction, PowerResultView, ProjectNames, ProjectView, ProjectProvider, VmLogLineView, WatchedProject } from '../../contract/api.js';

export interface WorkerInit {
  simulate?: string;
  /** A provider registry name. */
  provider?: string;
  manifest?: string;
  quickemu?: string;
  libvirt?: string;
  proxmox?: string;
  proxmoxToken?: string;
  knownHostsFile?: string;
  /** The tray's folder, where the log is written; none: no log file (tests). */
  logDir?: string;
  /** How long one provider group's discovery and sync may take in a pass (by default 60 s). */
  groupDeadlineMs?: number;
}

/** A project's provider as the worker is asked to use it: with the API token the app keeps for it, if any. */
export type ProviderRequest = ProjectProvider & { secret?: string };

/** What loading a project needs beyond its key: a provider-defined project's definition, and the names Settings give it. */
export interface ProjectRequest {
  watched?: WatchedProject;
  names?: ProjectNames;
}

export interface PassRequest {
  configPaths: string[];
  syncHosts: boolean;
  /** Per config, the provider the user chose for it (Settings); a config not listed is 'auto'. */
  providers?: Record<string, ProviderRequest>;
  /** Per project key, its definition (provider-defined projects) and names. */
  projects?: Record<string, ProjectRequest>;
  /** Machines (per config) whose changed SSH host key the user accepted. */
  acceptHostKeys?: Record<string, string[]>;
  /** Per config, the only machines to sync ("Reconcile this VM"). */
  onlyMachines?: Record<string, string[]>;
  /** Keep the OpenSSH config in <home>/ssh current and included from this user config. */
  sshConfig?: { home: string; userConfig: string };
}

export interface PassResult {
  at: string;
  hypervisorError: string | null;
  projects: ProjectView[];
  duplicates: DuplicateView[];
  /** Hosts sync results of this pass, by VM key; empty when the pass did not sync. */
  syncs: Record<string, HostsSyncView>;
  /** state.json changes this pass recorded. */
  changes: number;
  /** The recorded IPv4 changes among them (old → new; null when none). */
  ipDiffs: IpDiff[];
  /** Per VM key, the hosts block each guest was synced with this pass (to tell when it goes stale). */
  syncedBlocks: Record<string, string>;
  /** What to tell the user about the OpenSSH config: why it could not be written, a VM left out, a name left to the user's own config; null when nothing. */
  sshConfigError?: string | null;
  /** What the user must be told once (a cluster's certificate pinned on first use). */
  notices?: string[];
}

export interface IpDiff {
  key: string;
  configPath: string;
  project: string;
  machineName: string;
  from: string | null;
  to: string | null;
}

export interface WorkerCalls {
  pass(request: PassRequest): PassResult;
  /** Loads a ragnatramp.yaml (and its state.json) to check it before it is watched. */
  checkProject(configPath: string): { name: string; configPath: string };
  diagnose(configPath: string, provider?: ProviderRequest, project?: ProjectRequest): DiagnosticView[];
  /** This computer's checks for each provider these projects use (the app's own when there are none). */
  hostChecks(request: { configPaths: string[]; providers: Record<string, ProviderRequest> }): HostChecksView['providers'];
  fixKvp(configPath: string, machineName: string, dryRun: boolean, provider?: ProviderRequest, project?: ProjectRequest): KvpFixResult;
  /** Starts, stops or restarts one machine through its project's provider. */
  power(configPath: string, machineName: string, action: PowerAction, provider?: ProviderRequest, project?: ProjectRequest): PowerResultView;
  /** Writes an OpenSSH config for the project into <home>/ssh and names the VM's Host in it. */
  prepareSsh(configPath: string, machineName: string, home: string, provider?: ProviderRequest, project?: ProjectRequest): { configFile: string; host: string };
  /** The last lines of the tray's log about one VM. */
  vmLog(configPath: string, machineName: string): VmLogLineView[];
  /** Disposes of every provider's environment (PowerShell, SSH pool, watchers' children): before the worker is stopped. */
  dispose(): void;
  /** The heartbeat: answered at once by a worker whose event loop runs. */
  ping(): 'pong';
}

export type WorkerRequest = { [M in keyof WorkerCalls]: { id: number; method: M; args: Parameters<WorkerCalls[M]> } }[keyof WorkerCalls];

export type WorkerMessage =
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; message: string }
  | { kind: 'progress'; key: string; phase: string }
  /** The provider saw something that may have moved an address: worth a pass now. */
  | { kind: 'hint' }
  /** The worker has loaded its modules and listens: from now on it answers the heartbeat at once. */
  | { kind: 'ready' };
