// The one contract between the renderer, the preload bridge (or the browser host's WebSocket)
// and the main process: every call's name, arguments and result, the events, and the view
// types they carry. Plain data only, so that the same file typechecks in Node and in the DOM.
// Main validates every argument against ARGUMENT_SCHEMAS before a handler runs.

/**
 * Seed 003's status state machine, and 'unknown' while a cause of the host (the hypervisor
 * could not be asked, the account may see no VMs) hides what the VM is: never 'missing' then.
 */
export type VmStatus = 'missing' | 'stopped' | 'initializing' | 'booting' | 'running' | 'unknown';

/** The tier that found an IPv4, with its label and help as its provider registered them. */
export interface TierView {
  id: string;
  label: string;
  help: string;
}

/** One of the provider's own facts about a VM, e.g. Hyper-V's "KVP: No Contact". */
export interface FactView {
  label: string;
  value: string;
  /** true: fine; false: needs attention; null: not applicable or not known. */
  ok: boolean | null;
  why: string | null;
}

/** A problem of a VM: the check it comes from (what a mute names) and its few words. */
export interface ProblemView {
  check: string;
  text: string;
}

/** A warning with a stable code (e.g. 'ssh-closed', 'hyperv/kvp-no-contact') and its text. */
export interface WarningView {
  code: string;
  text: string;
  /** Its few words in the VM's problem list, when it is a problem of its own. */
  brief?: string;
}

/** The providers a project can name: 'auto' is the app's own choice (Hyper-V on Windows, libvirt elsewhere, or what it was started with). */
export const PROVIDER_CHOICES = [
  { id: 'auto', label: 'Automatic', option: null },
  { id: 'hyperv', label: 'Hyper-V', option: null },
  { id: 'libvirt', label: 'libvirt', option: { label: 'URI', placeholder: 'qemu:///system', required: false } },
  { id: 'quickemu', label: 'quickemu', option: { label: 'Folder of .conf files', placeholder: '~/vms', required: true } },
  { id: 'proxmox', label: 'Proxmox VE', option: { label: 'Cluster', placeholder: 'https://pve.example.com:8006', required: true } },
  { id: 'linux', label: 'Linux manifest', option: { label: 'Manifest file', placeholder: '~/vms/manifest.json', required: true } },
] as const;

export type ProviderChoiceId = (typeof PROVIDER_CHOICES)[number]['id'];

/** Which provider finds a project's VMs, and its one option (a URI, a folder, a cluster, a file). */
export interface ProjectProvider {
  provider: ProviderChoiceId;
  option?: string;
}

/** The providers whose VMs can be a project of their own, with no ragnatramp.yaml (Add project's kinds). */
export const WATCHED_KINDS = [
  { id: 'quickemu', label: 'A quickemu folder', option: 'Folder of .conf files', placeholder: '/home/me/vms' },
  { id: 'libvirt', label: 'A libvirt host', option: 'URI', placeholder: 'qemu:///system' },
  { id: 'proxmox', label: 'A Proxmox VE cluster', option: 'Cluster', placeholder: 'https://pve.example.com:8006' },
] as const;

/** An SSH login; the key's path is made absolute before it is kept. */
export interface SshLoginSetting {
  user: string;
  privateKey: string;
}

/** A project defined by its provider alone: every VM there is a machine, named as its hypervisor names it. */
export interface WatchedProject {
  provider: (typeof WATCHED_KINDS)[number]['id'];
  /** The folder, the URI or the cluster's address. */
  option: string;
  /** Proxmox VE: only this pool's guests, or only this tag's. */
  pool?: string;
  tag?: string;
  /** Its name (letters, digits, hyphens); by default one made from the option. */
  name?: string;
  /** The login of its VMs; per VM (by name) a login of their own. */
  ssh?: SshLoginSetting;
  vmSsh?: Record<string, SshLoginSetting>;
}

/** Per project: a domain suffix (every machine is also <machine>.<domain>) and each machine's extra names. */
export interface ProjectNames {
  domain?: string;
  aliases?: Record<string, string[]>;
}

export interface Settings {
  /**
   * The projects to watch, by key: a ragnatramp.yaml's absolute path, or a provider-defined
   * project's key (`quickemu:/home/me/vms`, `libvirt:qemu:///system`, `proxmox:https://…?pool=web`).
   */
  projects: string[];
  /** The provider-defined projects, by key. */
  watched: Record<string, WatchedProject>;
  /** Per project key, its domain and aliases (kept here: Ragnatramp's YAML stays closed). */
  names: Record<string, ProjectNames>;
  /**
   * Per project (by config path), the provider that finds its VMs; a project not listed is
   * 'auto'. Kept here, not in ragnatramp.yaml, whose schema Ragnatramp closes to extra keys.
   */
  providers: Record<string, ProjectProvider>;
  /** Seconds between background discovery passes. */
  pollSeconds: number;
  notifications: boolean;
  /** Sync every guest's /etc/hosts automatically after an IP change. */
  autoSync: boolean;
  /** Whether the user answered the first run's question about auto-sync (or set it in Settings): asked once. */
  autoSyncAsked: boolean;
  launchAtLogin: boolean;
  /** Keep an OpenSSH config of the VMs current and included from ~/.ssh/config (`ssh web`). */
  sshConfig: boolean;
  /** Checks the user muted, each `muteKey(vmKey, check)`: shown greyed, never turning the tray orange. */
  muted: string[];
}

export const DEFAULT_SETTINGS: Settings = { projects: [], watched: {}, names: {}, providers: {}, pollSeconds: 10, notifications: true, autoSync: false, autoSyncAsked: false, launchAtLogin: false, sshConfig: false, muted: [] };

export interface HostsSyncView {
  success: boolean;
  skipped: boolean;
  changed: boolean;
  message: string | null;
  /** Why the sync failed, as a code: an SSH failure's kind ('host-key-changed', 'auth', …) or 'hosts-file'. */
  problem: string | null;
  at: string;
}

/** One stretch of a VM at one address, from the tray's own history (kept across restarts): until `endedAt`, or still (null). */
export interface AddressSeenView {
  ipv4: string;
  seenAt: string;
  endedAt: string | null;
}

/** A line of the tray's log about one VM; a run of the same line is one, with its count. */
export interface VmLogLineView {
  at: string;
  lastAt: string;
  count: number;
  level: 'info' | 'warn' | 'error';
  event: string;
  text: string;
}

export interface VmView {
  /** Stable across passes: `${configPath}#${machineName}`. */
  key: string;
  machineName: string;
  vmName: string;
  status: VmStatus;
  vmState: string;
  /** The provider's label, e.g. "Hyper-V"; `lookedIn` is where it looked, for "not found". */
  provider: string;
  lookedIn: string;
  /** The current IPv4 (null unless the VM is active and one was found). */
  ipv4: string | null;
  ipv6: string[];
  tier: TierView | null;
  mac: string | null;
  /** When state.json's IPv4 was recorded (first seen at that address, not last seen). */
  discoveredAt: string | null;
  previousIpv4: string | null;
  /** While no IPv4 is known: the one state.json last recorded, shown greyed. */
  lastKnownIpv4: string | null;
  /** The guest's hosts block was synced before the latest change of the project's block. */
  hostsStale: boolean;
  /** Why this pass leaves the VM's hosts alone ("VM is Off", a duplicate IPv4); null when a reconcile would sync them. */
  hostsSkip: string | null;
  /** What needs the user's attention about this VM, short: "KVP No Contact", "hosts out of date". */
  problems: ProblemView[];
  /** Problems the user muted (Diagnostics): shown, but they need no attention. */
  muted: ProblemView[];
  facts: FactView[];
  /** Whether SSH answered (port 22 at ipv4, or at sshAt); null when there was nothing to try. */
  sshOpen: boolean | null;
  /** Set when SSH reaches the VM through a port forward on this host ("127.0.0.1:22220"). */
  sshAt: string | null;
  duplicateOf: string[];
  warnings: WarningView[];
  sync: HostsSyncView | null;
  /** Its last addresses, newest first (at most 10). */
  history: AddressSeenView[];
  /** Set when its provider cannot start or stop VMs (a Linux manifest): why, and no power buttons are shown. */
  powerUnavailable?: string;
}

export interface ProjectView {
  configPath: string;
  name: string | null;
  /** Why the project could not be loaded (broken YAML, corrupt state.json), with what to do. */
  error: string | null;
  /** Set when the VMs shown are the last known ones (the hypervisor could not be asked): why. */
  stale?: string | null;
  /** When its VMs were last seen: the last pass that could ask their hypervisor. */
  seenAt?: string | null;
  vms: VmView[];
  hostsBlock: string;
  /** The project's own warnings (from ragnatramp.yaml and state.json). */
  warnings: string[];
}

export interface DuplicateView {
  ip: string;
  vms: Array<{ project: string; machineName: string }>;
}

/** 'idle': nothing is watched yet (no project): grey, neither good nor bad. */
export type Health = 'good' | 'attention' | 'error' | 'working' | 'idle';

export interface ReconcileSummary {
  at: string;
  projects: number;
  synced: number;
  updated: number;
  skipped: number;
  failed: number;
  changes: number;
  hypervisorError: string | null;
}

/** What the OS made of a setting, said beside it in Settings (null: nothing to say). */
export interface HostNotes {
  /** macOS waiting for the user's approval in System Settings > Login Items, say. */
  launchAtLogin: string | null;
  /** The OS refused the last notification (an unsigned Mac build, notifications switched off), with its reason. */
  notifications: string | null;
}

export interface AppState {
  health: Health;
  /** One line for the tray tooltip, e.g. "3 VMs · 2 running · hosts in sync · 2 min ago". */
  summary: string;
  busy: 'idle' | 'discovering' | 'reconciling';
  paused: boolean;
  lastPassAt: string | null;
  hypervisorError: string | null;
  /** Something the user should know about the app itself (engine restarted, settings reset). */
  notices: string[];
  /** Set while the engine (its worker thread) died or stopped answering and is being replaced: what to say. */
  engineLost?: string | null;
  projects: ProjectView[];
  duplicates: DuplicateView[];
  lastReconcile: ReconcileSummary | null;
  /** Per VM key, while a reconcile runs: connecting, reading, writing, done. */
  progress: Record<string, string>;
  /** Per VM key, while a start, stop or restart asked for it runs. */
  powering?: Record<string, PowerAction>;
  simulated: boolean;
  /** What this host can do natively: the browser host has no file picker or OS notifications. */
  host: {
    kind: 'electron' | 'browser';
    filePicker: boolean;
    launchAtLogin: boolean;
    /** The platform main runs on (Node's names: 'win32', 'darwin', 'linux'…): paths typed into the window are its paths, and its examples follow it. */
    platform: string;
    /** What the OS said when it refused a setting (a login item awaiting approval, a notification not allowed). */
    notes?: HostNotes;
  };
}

export interface GuestCheckView {
  os: string;
  /** null where the VM's provider does not depend on Hyper-V's KVP daemon. */
  kvpDaemon: { installed: boolean; running: boolean; package: string | null; fix: string[] } | null;
  sudo: boolean;
  cloudInitManagesHosts: boolean;
  /** 'unmanaged': the VM gets no block (it cannot reach its peers). */
  hostsBlock: 'current' | 'stale' | 'missing' | 'broken' | 'unmanaged';
  /** /etc/machine-id; clones of one image share it (and so their DHCP address). */
  machineId: string | null;
  /** The project's other VMs with the same machine-id. */
  clonedWith?: string[];
  warnings: string[];
}

export interface DiagnosticView {
  key: string;
  machineName: string;
  vmName: string;
  facts: FactView[];
  sshOpen: boolean | null;
  warnings: WarningView[];
  /** The guest-side checks, or why they could not run. */
  guest: GuestCheckView | { error: string } | { unavailable: string };
}

/** One check of this computer (the same as `ragnatramp-tray doctor`'s), with its fix. */
export interface HostCheckView {
  step: string;
  /** null: skipped (an earlier step failed, or it does not apply). */
  ok: boolean | null;
  detail: string;
  fix: string | null;
}

/** "This PC": each provider in use (the app's own when no project is watched), with its checks, and when they were taken. */
export interface HostChecksView {
  at: string;
  providers: Array<{ provider: string; label: string; checks: HostCheckView[] }>;
}

export interface KvpFixResult {
  machineName: string;
  dryRun: boolean;
  nothingToDo?: string;
  commands: string[];
  steps: Array<{ command: string; code: number | null; output: string }>;
  success: boolean;
  error?: string;
}

export type IpChange =
  /** `hostsSkip`: why a hosts sync would leave this VM alone now (a duplicate address), so none is offered. */
  | { kind: 'changed'; key: string; configPath: string; project: string; machineName: string; from: string; to: string; hostsSkip?: string | null }
  | { kind: 'appeared'; key: string; configPath: string; project: string; machineName: string; to: string; hostsSkip?: string | null }
  /** The VM runs with no IPv4 known any more (`why`, e.g. "KVP No Contact"), or lost it otherwise. */
  | { kind: 'lost'; key: string; configPath: string; project: string; machineName: string; from: string; why: string | null }
  /** The VM was stopped: its address went with it (`from`). */
  | { kind: 'stopped'; key: string; configPath: string; project: string; machineName: string; from: string | null }
  /** The hypervisor no longer lists a VM it listed before. */
  | { kind: 'missing'; key: string; configPath: string; project: string; machineName: string; lookedIn: string }
  /** Every VM of a project went missing at once: one change, not one per VM. */
  | { kind: 'gone'; key: string; configPath: string; project: string; count: number; lookedIn: string }
  | { kind: 'duplicate'; key: string; ip: string; machines: string[] };

export type View = 'vms' | 'diagnostics' | 'settings';

export const POWER_ACTIONS = ['start', 'stop', 'restart'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

/** What a start, stop or restart did: `changed` false when the VM already was as asked. */
export interface PowerResultView {
  machineName: string;
  action: PowerAction;
  changed: boolean;
  message: string;
}

/** What a VM's row and the tray offer: Start for a stopped or missing VM, Stop and Restart for a running one; nothing while its state is unknown or its provider cannot. */
export function powerActions(vm: Pick<VmView, 'status' | 'powerUnavailable'>): PowerAction[] {
  if (vm.powerUnavailable) return [];
  if (vm.status === 'stopped' || vm.status === 'missing') return ['start'];
  if (vm.status === 'running' || vm.status === 'booting' || vm.status === 'initializing') return ['stop', 'restart'];
  return [];
}

/** The row's progress words for a power action that runs. */
export const POWER_PROGRESS: Record<PowerAction, string> = { start: 'starting…', stop: 'stopping…', restart: 'restarting…' };

/** `show` asks the window to open a view (from the tray menu, or a notification's VM). */
export type AppEvent = { type: 'state'; state: AppState } | { type: 'change'; change: IpChange } | { type: 'show'; view: View; vmKey: string | null };

/** Every call the renderer can make, with its arguments and its result. */
export interface ApiCalls {
  getState(): AppState;
  getSettings(): Settings;
  updateSettings(patch: Partial<Omit<Settings, 'projects' | 'providers' | 'watched' | 'names'>>): Settings;
  /** Adds a provider-defined project, or replaces the one with the same key (its name, logins); checked first. */
  saveWatchedProject(project: WatchedProject): Settings;
  /** Sets a project's domain and aliases, each checked as a host name; empty names clear them. */
  setProjectNames(configPath: string, names: ProjectNames): Settings;
  /** Names the provider of one of the user's projects; its option is checked before it is kept. */
  setProjectProvider(configPath: string, choice: ProjectProvider): Settings;
  /** Keeps the API token for a project whose provider is Proxmox VE; returns where it was kept. */
  setProxmoxToken(configPath: string, token: string): string;
  addProject(configPath: string): Settings;
  removeProject(configPath: string): Settings;
  /** The native file picker; null when cancelled or on a host without one. */
  pickProjectFile(): string | null;
  reconcileNow(configPath: string | null): ReconcileSummary;
  /** Discovery for the VM's project, and a hosts sync of that VM only. */
  reconcileVm(configPath: string, machineName: string): ReconcileSummary;
  setPaused(paused: boolean): AppState;
  diagnose(configPath: string): DiagnosticView[];
  /** This computer's checks for every provider in use, as `ragnatramp-tray doctor` runs them. */
  hostChecks(): HostChecksView;
  fixKvp(configPath: string, machineName: string, dryRun: boolean): KvpFixResult;
  acceptHostKey(configPath: string, machineName: string): ReconcileSummary;
  openExternal(url: string): void;
  /** Writes the support bundle (log, versions, settings, projects) and returns its path. */
  collectDiagnostics(): string;
  /** Opens the user's terminal running ssh to that VM, with the project's user, key and pinned host key. */
  openSsh(configPath: string, machineName: string): void;
  /** The last lines of the tray's log about one VM, oldest first. */
  vmLog(configPath: string, machineName: string): VmLogLineView[];
  /** Starts, stops (the guest shuts down) or restarts one VM through its provider; a pass follows. */
  powerVm(configPath: string, machineName: string, action: PowerAction): PowerResultView;
}

export type ApiMethod = keyof ApiCalls;

/** A VM's key in views and events: stable across passes. */
export const vmKey = (configPath: string, machineName: string): string => `${configPath}#${machineName}`;

/** The check behind a provider fact (Hyper-V's KVP), as Diagnostics and the problems name it. */
export const factCheck = (label: string): string => `fact:${label}`;

/** The settings entry that mutes one check of one VM. */
export const muteKey = (key: string, check: string): string => `${key}|${check}`;

/** The machine names used by more than one watched project: their lines and problems carry the project. */
export function sharedNames(state: Pick<AppState, 'projects'>): Set<string> {
  const seen = new Map<string, number>();
  for (const p of state.projects) for (const name of new Set(p.vms.map((v) => v.machineName))) seen.set(name, (seen.get(name) ?? 0) + 1);
  return new Set([...seen].filter(([, n]) => n > 1).map(([name]) => name));
}

/** A VM's name as the user tells it apart: "web", or "shop/web" when another project has a web too. */
export const vmLabel = (project: string | null, machineName: string, shared: ReadonlySet<string>): string => (shared.has(machineName) ? `${project ?? 'project'}/${machineName}` : machineName);

/**
 * Every unmuted VM problem as "machine: problem" ("project/machine" where two projects share the
 * name), for the header and the tray tooltip. A stale project's rows are what was last seen, not
 * what is: their problems are not listed as current (the cause that keeps them stale is said instead).
 */
export function problemList(state: Pick<AppState, 'projects'>): Array<{ key: string; check: string; text: string }> {
  const shared = sharedNames(state);
  return state.projects.filter((p) => !p.stale).flatMap((p) => p.vms.flatMap((v) => v.problems.map((problem) => ({ key: v.key, check: problem.check, text: `${vmLabel(p.name, v.machineName, shared)}: ${problem.text}` }))));
}

/** The poll interval's bounds, for the settings file, the API's check and the window's field. */
export const POLL_SECONDS = { min: 2, max: 3600 } as const;

/** What the renderer sees: every call returns a promise; one subscription carries all events. */
export type RagnatrampApi = {
  [M in ApiMethod]: (...args: Parameters<ApiCalls[M]>) => Promise<ReturnType<ApiCalls[M]>>;
} & {
  subscribe(listener: (event: AppEvent) => void): () => void;
};

const path = { type: 'string', minLength: 1, maxLength: 4096 } as const;

/** One project's provider choice, for the API's check and the settings file. */
export const PROJECT_PROVIDER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['provider'],
  properties: { provider: { enum: PROVIDER_CHOICES.map((c) => c.id) }, option: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const;
// A Ragnatramp machine's name, or a VM's as its hypervisor names it (a provider-defined
// project: 'Ubuntu 24.04', 'web_1', 'fedora-40 (test)'): letters, digits, spaces and . _ ( ) + @ -,
// never a shell's or a path's special character; main matches it against the project's own machines.
const machine = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9 ._()+@-]{0,254}$' } as const;
const hostName = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' } as const;
const login = { type: 'object', additionalProperties: false, required: ['user', 'privateKey'], properties: { user: { type: 'string', minLength: 1, maxLength: 32 }, privateKey: path } } as const;

/** A provider-defined project, for the API's check and the settings file. */
export const WATCHED_PROJECT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['provider', 'option'],
  properties: {
    provider: { enum: WATCHED_KINDS.map((k) => k.id) },
    option: path,
    pool: { type: 'string', minLength: 1, maxLength: 256 },
    tag: { type: 'string', minLength: 1, maxLength: 256 },
    name: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9-]{0,31}$' },
    ssh: login,
    vmSsh: { type: 'object', maxProperties: 1000, additionalProperties: login },
  },
} as const;

/** A project's domain and aliases, for the API's check and the settings file. */
export const PROJECT_NAMES_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    domain: hostName,
    aliases: { type: 'object', maxProperties: 1000, additionalProperties: { type: 'array', maxItems: 32, uniqueItems: true, items: hostName } },
  },
} as const;

/** JSON schema of each call's argument list (an array). */
export const ARGUMENT_SCHEMAS: Record<ApiMethod, object> = {
  getState: { type: 'array', maxItems: 0 },
  getSettings: { type: 'array', maxItems: 0 },
  updateSettings: {
    type: 'array',
    minItems: 1,
    maxItems: 1,
    items: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          pollSeconds: { type: 'integer', minimum: POLL_SECONDS.min, maximum: POLL_SECONDS.max },
          notifications: { type: 'boolean' },
          autoSync: { type: 'boolean' },
          autoSyncAsked: { type: 'boolean' },
          launchAtLogin: { type: 'boolean' },
          sshConfig: { type: 'boolean' },
          muted: { type: 'array', maxItems: 1000, uniqueItems: true, items: { type: 'string', minLength: 3, maxLength: 4300 } },
        },
      },
    ],
  },
  setProjectProvider: { type: 'array', minItems: 2, maxItems: 2, items: [path, PROJECT_PROVIDER_SCHEMA] },
  setProxmoxToken: { type: 'array', minItems: 2, maxItems: 2, items: [path, { type: 'string', minLength: 1, maxLength: 512 }] },
  addProject: { type: 'array', minItems: 1, maxItems: 1, items: [path] },
  saveWatchedProject: { type: 'array', minItems: 1, maxItems: 1, items: [WATCHED_PROJECT_SCHEMA] },
  setProjectNames: { type: 'array', minItems: 2, maxItems: 2, items: [path, PROJECT_NAMES_SCHEMA] },
  removeProject: { type: 'array', minItems: 1, maxItems: 1, items: [path] },
  pickProjectFile: { type: 'array', maxItems: 0 },
  reconcileNow: { type: 'array', minItems: 1, maxItems: 1, items: [{ anyOf: [path, { type: 'null' }] }] },
  reconcileVm: { type: 'array', minItems: 2, maxItems: 2, items: [path, machine] },
  setPaused: { type: 'array', minItems: 1, maxItems: 1, items: [{ type: 'boolean' }] },
  diagnose: { type: 'array', minItems: 1, maxItems: 1, items: [path] },
  hostChecks: { type: 'array', maxItems: 0 },
  fixKvp: { type: 'array', minItems: 3, maxItems: 3, items: [path, machine, { type: 'boolean' }] },
  acceptHostKey: { type: 'array', minItems: 2, maxItems: 2, items: [path, machine] },
  openExternal: { type: 'array', minItems: 1, maxItems: 1, items: [{ type: 'string', pattern: '^https://', maxLength: 2048 }] },
  collectDiagnostics: { type: 'array', maxItems: 0 },
  openSsh: { type: 'array', minItems: 2, maxItems: 2, items: [path, machine] },
  vmLog: { type: 'array', minItems: 2, maxItems: 2, items: [path, machine] },
  powerVm: { type: 'array', minItems: 3, maxItems: 3, items: [path, machine, { enum: POWER_ACTIONS }] },
};

export const API_METHODS = Object.keys(ARGUMENT_SCHEMAS) as ApiMethod[];

/** IPC channel names (Electron) and message kinds (browser host). */
export const CHANNELS = { invoke: 'ragnatramp:invoke', event: 'ragnatramp:event' } as const;
