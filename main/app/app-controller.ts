// The application core shared by the Electron main process and the browser host: it owns the
// settings, the engine worker, the passes (when they run is watch-scheduler.ts's), change
// notifications, and the app state the UI shows. It implements every call of the API contract;
// hosts only add what is native (file picker, notifications, tray).

import { EventEmitter } from 'node:events';
import path from 'node:path';
import { vmKey, type ApiCalls, type AppEvent, type AppState, type DiagnosticView, type HostChecksView, type HostNotes, type IpChange, type KvpFixResult, type PowerAction, type PowerResultView, type ReconcileSummary, type Settings, type SshLoginSetting, type View, type WatchedProject } from '../../contract/api.js';
import type { WorkerClient } from '../worker/worker-client.js';
import type { PassRequest, PassResult } from '../worker/worker-protocol.js';
import { excerpt } from '../engine/excerpt.js';
import { projectConfigPath, sameFileAmong } from '../engine/config/user-path.js';
import { projectProviderOptions } from '../engine/providers/provider-args.js';
import { providerEntry } from '../engine/providers/registry.js';
import { writeSupportBundle } from '../engine/support/support-bundle.js';
import { userSshConfigPath } from '../engine/ssh/write-ssh-config.js';
import { launchTerminal, onPath, terminalCommand, type TerminalCommand } from '../engine/ssh/open-terminal.js';
import { detectChanges, NOTHING_REPORTED, type Reported } from './change-detector.js';
import { computeHealth, summarize } from './health.js';
import { WatchScheduler } from './watch-scheduler.js';
import { mergePass, reconcileSummary, remute, unloadedProject, type SyncMemory } from './pass-state.js';
import type { SettingsStore } from './settings.js';
import type { CredentialStore } from './credential-store.js';
import { checkToken } from '../engine/providers/proxmox/proxmox-token.js';
import type { ProjectRequest, ProviderRequest } from '../worker/worker-protocol.js';
import { checkWatchedDefinition, watchedKey } from '../engine/config/watched-project.js';
import { checkProjectNames } from '../engine/plan/host-names.js';

export interface HostHooks {
  kind: AppState['host']['kind'];
  /** Where main runs (tests pretend); process.platform by default: the window's paths and examples follow it. */
  platform?: NodeJS.Platform;
  pickProjectFile?: () => Promise<string | null>;
  openExternal?: (url: string) => Promise<void>;
  setLaunchAtLogin?: (enabled: boolean) => void;
  /** Shows a file the app wrote (the support bundle) in the OS's file manager. */
  revealFile?: (file: string) => void;
  /** Starts a terminal; the default spawns it (tests record it instead). */
  launchTerminal?: (cmd: TerminalCommand) => Promise<void>;
  /** Where Proxmox VE API tokens typed into the window are kept; none: the window cannot keep one. */
  credentials?: CredentialStore;
}

type Handlers = { [M in keyof ApiCalls]: (...args: Parameters<ApiCalls[M]>) => Promise<ReturnType<ApiCalls[M]>> };

/** `event` goes to the window; `changes` (one pass's, together) to the host's OS notifications. */
export class AppController extends EventEmitter<{ event: [AppEvent]; changes: [IpChange[]] }> {
  private state: Omit<AppState, 'health' | 'summary'>;
  private memory: Omit<SyncMemory, 'muted'> = { syncs: {}, blocks: {} };
  private reported: Reported = NOTHING_REPORTED;
  /** Projects seen by a pass already: their first pass is a baseline, not news. */
  private seen = new Set<string>();
  private lastSshConfigError: string | null = null;
  private readonly scheduler: WatchScheduler;
  /** The summary last published, and the clock that publishes it again when its relative time moved. */
  private publishedSummary = '';
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    private readonly settings: SettingsStore,
    private readonly worker: Pick<WorkerClient, 'call' | 'on'>,
    private readonly host: HostHooks,
    private readonly options: { simulated: boolean; now?: () => Date; /** How often the summary's relative time is looked at (15 s). */ tickMs?: number; /** The tray's folder: log and settings for the support bundle, the OpenSSH config. */ home?: string; version?: string; /** Tests: instead of ~/.ssh/config. */ userSshConfig?: string } = { simulated: false },
  ) {
    super();
    this.state = {
      busy: 'idle',
      paused: false,
      lastPassAt: null,
      hypervisorError: null,
      notices: settings.warning ? [settings.warning] : [],
      engineLost: null,
      projects: settings.get().projects.map(unloadedProject),
      duplicates: [],
      lastReconcile: null,
      progress: {},
      simulated: options.simulated,
      host: { kind: host.kind, filePicker: !!host.pickProjectFile, launchAtLogin: !!host.setLaunchAtLogin, platform: host.platform ?? process.platform },
    };
    worker.on('progress', (key, phase) => {
      this.state.progress = { ...this.state.progress, [key]: phase };
      this.publish();
    });
    // Said while it lasts, in the window and the tooltip: a notice would stay after it is over.
    worker.on('restarted', (reason) => {
      this.state.engineLost = `The engine stopped unexpectedly (${reason}); it is being restarted.`;
      this.publish();
      this.scheduler.hint(); // a pass soon starts the next worker (after its back-off), and says when it answers
    });
    worker.on('recovered', () => {
      this.state.engineLost = null;
      this.publish();
    });
    this.scheduler = new WatchScheduler({
      pollMs: () => this.settings.get().pollSeconds * 1000,
      paused: () => this.state.paused,
      idle: () => this.state.busy === 'idle',
      watchPass: () => this.enqueue({ syncHosts: false }),
    });
    worker.on('hint', () => this.scheduler.hint());
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  snapshot(): AppState {
    return { ...this.state, health: computeHealth(this.state), summary: summarize(this.state, this.now()) };
  }

  /** What the OS made of a setting (main.ts: the login item's approval, a refused notification), shown beside it. */
  setHostNote(setting: keyof HostNotes, text: string | null): void {
    const notes: HostNotes = { launchAtLogin: null, notifications: null, ...this.state.host.notes, [setting]: text };
    if (this.state.host.notes?.[setting] === text) return;
    this.state.host = { ...this.state.host, notes };
    this.publish();
  }

  private publish(): void {
    const state = this.snapshot();
    this.publishedSummary = state.summary;
    this.emit('event', { type: 'state', state });
  }

  private notice(text: string): void {
    this.state.notices = [...this.state.notices.slice(-2), text];
    this.publish();
  }

  /** Starts watching: a pass now, then one every pollSeconds. */
  start(): void {
    this.scheduler.start();
    // "2 min ago" in the summary (the window's header, the tray tooltip) moves with the clock,
    // also while paused, when no pass publishes anything.
    this.ticker ??= setInterval(() => {
      if (summarize(this.state, this.now()) !== this.publishedSummary) this.publish();
    }, this.options.tickMs ?? 15_000);
    this.ticker.unref();
  }

  stop(): void {
    this.scheduler.stop();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** After the host resumes from sleep the Default Switch renumbers: look again at once. */
  rediscover(): void {
    this.scheduler.rediscover();
  }

  /** Asks the UI to open a view, optionally bringing one VM into sight. */
  show(view: View, vmKey: string | null = null): void {
    this.emit('event', { type: 'show', view, vmKey });
  }

  private enqueue(request: Omit<PassRequest, 'configPaths'> & { configPaths?: string[] }): Promise<PassResult | null> {
    return this.scheduler.enqueue(() => this.runPass(request));
  }

  private async runPass(request: Omit<PassRequest, 'configPaths'> & { configPaths?: string[] }): Promise<PassResult | null> {
    const configPaths = request.configPaths ?? this.settings.get().projects;
    if (configPaths.length === 0) {
      this.state.projects = [];
      this.publish();
      return null;
    }
    this.state.busy = request.syncHosts ? 'reconciling' : 'discovering';
    this.publish();
    let result: PassResult;
    try {
      const s = this.settings.get();
      // Simulated VMs are reachable by nobody: they never go into the user's OpenSSH config.
      const sshConfig = s.sshConfig && this.options.home && !this.options.simulated ? { home: this.options.home, userConfig: this.options.userSshConfig ?? userSshConfigPath() } : undefined;
      result = await this.worker.call('pass', { configPaths, syncHosts: request.syncHosts, providers: await this.providerRequests(configPaths), projects: this.projectRequests(configPaths), acceptHostKeys: request.acceptHostKeys, onlyMachines: request.onlyMachines, ...(sshConfig ? { sshConfig } : {}) });
    } catch (err) {
      this.state.busy = 'idle';
      this.state.progress = {};
      this.notice((err as Error).message);
      throw err;
    }
    for (const text of result.notices ?? []) this.notice(text);
    if (result.sshConfigError && result.sshConfigError !== this.lastSshConfigError) this.notice(result.sshConfigError);
    this.lastSshConfigError = result.sshConfigError ?? null;
    Object.assign(this.memory.syncs, result.syncs);
    Object.assign(this.memory.blocks, result.syncedBlocks);
    this.merge(result, configPaths);
    const { changes: detected, reported } = detectChanges(result.ipDiffs, result.duplicates, result.hypervisorError ? [] : this.state.projects, this.reported);
    // An outage's pass saw no VM: what was reported stays reported.
    this.reported = result.hypervisorError ? { ...reported, unknown: this.reported.unknown, missing: this.reported.missing } : reported;
    // A project's first pass records what is there: only an address that differs from the one
    // recorded (a host reboot renumbered it) is news; "appeared" for every VM would be noise.
    const changes = detected.filter((c) => c.kind === 'changed' || c.kind === 'duplicate' || this.seen.has(c.configPath));
    for (const p of result.projects) if (!p.error) this.seen.add(p.configPath);
    for (const change of changes) this.emit('event', { type: 'change', change });
    if (changes.length > 0) this.emit('changes', changes);
    this.state.busy = 'idle';
    this.state.progress = {};
    this.publish();
    this.scheduler.passEnded();
    if (!request.syncHosts && this.settings.get().autoSync && changes.some((c) => c.kind !== 'duplicate')) {
      return this.runPass({ syncHosts: true });
    }
    return result;
  }

  private merge(result: PassResult, configPaths: string[]): void {
    const watched = this.settings.get().projects;
    this.state = { ...this.state, ...mergePass(this.state, result, { watched, memory: { ...this.memory, muted: this.settings.get().muted }, all: configPaths.length === watched.length }) };
  }

  private async reconcile(request: Omit<PassRequest, 'configPaths'> & { configPaths?: string[] }): Promise<ReconcileSummary> {
    const summary = reconcileSummary(await this.enqueue(request), this.now());
    this.state.lastReconcile = summary;
    this.publish();
    return summary;
  }

  private updateSettings(next: Settings): Settings {
    const before = this.settings.get();
    // The OS first: a switch it refuses (Task Manager's choice on Windows) is not saved as on.
    if (next.launchAtLogin !== before.launchAtLogin) this.host.setLaunchAtLogin?.(next.launchAtLogin);
    this.settings.set(next);
    if (next.pollSeconds !== before.pollSeconds) this.scheduler.schedule();
    if (next.muted.join('\n') !== before.muted.join('\n')) {
      this.state.projects = remute(this.state.projects, next.muted);
      this.publish();
    }
    return this.settings.get();
  }

  /**
   * The calls act only on projects the user added: a page that learned the browser host's
   * token, or a compromised renderer, must not point the engine at any path it likes.
   */
  private known(configPath: string): string {
    if (this.settings.get().projects.includes(configPath)) return configPath;
    throw new Error(`${excerpt(configPath, 120)} is not one of your projects; add it in Settings first.`);
  }

  /** A project's provider, with the API token the app keeps for it (Proxmox VE). */
  private async providerOf(configPath: string): Promise<ProviderRequest | undefined> {
    const watched = this.settings.get().watched[configPath];
    // A provider-defined project's provider is its own; a ragnatramp.yaml's the one Settings gave it.
    const choice = watched ? { provider: watched.provider, option: watched.option } : this.settings.get().providers[configPath];
    if (choice?.provider !== 'proxmox' || !choice.option || !this.host.credentials) return choice;
    try {
      const secret = await this.host.credentials.load(choice.option);
      return secret ? { ...choice, secret } : choice;
    } catch (err) {
      // An unreadable stored token: the worker then reads the token file, and says what is wrong there.
      this.notice(`The API token for ${choice.option} could not be read: ${(err as Error).message}`);
      return choice;
    }
  }

  /** What the worker needs to load a project beyond its key: a provider-defined one's definition, and its names. */
  private projectRequest(configPath: string): ProjectRequest {
    const s = this.settings.get();
    return { ...(s.watched[configPath] ? { watched: s.watched[configPath] } : {}), ...(s.names[configPath] ? { names: s.names[configPath] } : {}) };
  }

  private projectRequests(configPaths: string[]): Record<string, ProjectRequest> {
    return Object.fromEntries(configPaths.map((c) => [c, this.projectRequest(c)]).filter(([, r]) => Object.keys(r as object).length > 0));
  }

  private async providerRequests(configPaths: string[]): Promise<Record<string, ProviderRequest>> {
    const entries = await Promise.all(configPaths.map(async (c) => [c, await this.providerOf(c)] as const));
    return Object.fromEntries(entries.filter((e): e is readonly [string, ProviderRequest] => !!e[1]));
  }

  /**
   * A start, stop or restart: the row says what runs meanwhile, one at a time per VM; a VM it
   * changed is looked at again at once (a started VM's address, then its hosts sync when
   * autoSync is on, follow as after any change).
   */
  private async power(configPath: string, machineName: string, action: PowerAction): Promise<PowerResultView> {
    const key = vmKey(this.known(configPath), machineName);
    const running = this.state.powering?.[key];
    if (running) throw new Error(`${machineName} is still being asked to ${running}; wait for it to finish.`);
    this.state.powering = { ...this.state.powering, [key]: action };
    this.publish();
    try {
      const result = await this.worker.call('power', configPath, machineName, action, await this.providerOf(configPath), this.projectRequest(configPath));
      if (result.changed) this.rediscover();
      return result;
    } finally {
      const { [key]: _done, ...rest } = this.state.powering ?? {};
      this.state.powering = rest;
      this.publish();
    }
  }

  /** The API contract's calls; arguments are already validated by the host. */
  readonly api: Handlers = {
    getState: async () => this.snapshot(),
    getSettings: async () => this.settings.get(),
    updateSettings: async (patch) => this.updateSettings({ ...this.settings.get(), ...patch }),
    addProject: async (given) => {
      // What users paste: a quoted path, a project's folder, `~`; a relative path is refused with why.
      const checked = await this.worker.call('checkProject', await projectConfigPath(given));
      const current = this.settings.get();
      // The same file under another spelling (a link, another case on APFS) is already watched.
      if (await sameFileAmong(current.projects, checked.configPath)) return current;
      const next = this.updateSettings({ ...current, projects: [...current.projects, checked.configPath] });
      void this.enqueue({ syncHosts: false }).catch(() => undefined);
      return next;
    },
    saveWatchedProject: async (project) => {
      const current = this.settings.get();
      const checked = checkedWatched(project);
      const key = watchedKey(checked);
      const next = this.updateSettings({ ...current, projects: current.projects.includes(key) ? current.projects : [...current.projects, key], watched: { ...current.watched, [key]: checked } });
      void this.enqueue({ syncHosts: false }).catch(() => undefined);
      return next;
    },
    setProjectNames: async (configPath, names) => {
      const current = this.settings.get();
      this.known(configPath);
      checkProjectNames(names);
      const aliases = Object.fromEntries(Object.entries(names.aliases ?? {}).filter(([, a]) => a.length > 0));
      const kept = { ...(names.domain ? { domain: names.domain } : {}), ...(Object.keys(aliases).length > 0 ? { aliases } : {}) };
      const { [configPath]: _old, ...others } = current.names;
      const next = this.updateSettings({ ...current, names: Object.keys(kept).length > 0 ? { ...others, [configPath]: kept } : others });
      void this.enqueue({ syncHosts: false }).catch(() => undefined);
      return next;
    },
    setProjectProvider: async (configPath, choice) => {
      const current = this.settings.get();
      if (current.watched[configPath]) throw new Error("A project defined by its provider keeps that provider; add the other one as a project of its own.");
      // Checked (and a folder or file made absolute) before it is kept: a bad URI never reaches the worker.
      const checked = projectProviderOptions(choice);
      const key = checked && providerEntry(checked.provider).projectOption?.key;
      const option = checked && key ? checked[key] : undefined;
      const { [this.known(configPath)]: _old, ...others } = current.providers;
      const providers = checked ? { ...others, [configPath]: { provider: choice.provider, ...(option ? { option } : {}) } } : others;
      const next = this.updateSettings({ ...current, providers });
      void this.enqueue({ syncHosts: false }).catch(() => undefined);
      return next;
    },
    setProxmoxToken: async (configPath, token) => {
      const choice = this.settings.get().watched[this.known(configPath)] ?? this.settings.get().providers[configPath];
      if (choice?.provider !== 'proxmox' || !choice.option) throw new Error("Choose Proxmox VE (with the cluster's address) as this project's provider first.");
      if (!this.host.credentials) throw new Error(`This window cannot keep a token; put it in the token file instead (see the README, "Proxmox VE").`);
      await this.host.credentials.save(choice.option, checkToken(token));
      void this.enqueue({ syncHosts: false }).catch(() => undefined);
      return this.host.credentials.where(choice.option);
    },
    removeProject: async (configPath) => {
      const current = this.settings.get();
      const { [configPath]: _gone, ...providers } = current.providers;
      const { [configPath]: _definition, ...watched } = current.watched;
      const { [configPath]: _names, ...names } = current.names;
      const next = this.updateSettings({ ...current, projects: current.projects.filter((p) => p !== configPath), providers, watched, names });
      this.state.projects = this.state.projects.filter((p) => p.configPath !== configPath);
      this.publish();
      return next;
    },
    pickProjectFile: async () => (this.host.pickProjectFile ? this.host.pickProjectFile() : null),
    reconcileNow: async (configPath) => this.reconcile({ syncHosts: true, ...(configPath ? { configPaths: [this.known(configPath)] } : {}) }),
    reconcileVm: async (configPath, machineName) => this.reconcile({ syncHosts: true, configPaths: [this.known(configPath)], onlyMachines: { [configPath]: [machineName] } }),
    setPaused: async (paused) => {
      this.state.paused = paused;
      // Resuming looks at once: what changed while paused is shown now, not a poll interval later.
      if (paused) this.scheduler.pause();
      else this.scheduler.rediscover();
      this.publish();
      return this.snapshot();
    },
    diagnose: async (configPath): Promise<DiagnosticView[]> => this.worker.call('diagnose', this.known(configPath), await this.providerOf(configPath), this.projectRequest(configPath)),
    hostChecks: async (): Promise<HostChecksView> => {
      const configPaths = this.settings.get().projects;
      return { at: this.now().toISOString(), providers: await this.worker.call('hostChecks', { configPaths, providers: await this.providerRequests(configPaths) }) };
    },
    fixKvp: async (configPath, machineName, dryRun): Promise<KvpFixResult> => {
      const result = await this.worker.call('fixKvp', this.known(configPath), machineName, dryRun, await this.providerOf(configPath), this.projectRequest(configPath));
      if (!dryRun && result.success) this.rediscover();
      return result;
    },
    acceptHostKey: async (configPath, machineName) => this.reconcile({ syncHosts: true, configPaths: [this.known(configPath)], acceptHostKeys: { [configPath]: [machineName] } }),
    openExternal: async (url) => {
      if (!this.host.openExternal) throw new Error('This host cannot open links.');
      await this.host.openExternal(url);
    },
    openSsh: async (configPath, machineName) => {
      if (this.options.simulated) throw new Error('Simulated VMs cannot be reached over SSH.');
      if (!this.options.home) throw new Error('This host cannot open a terminal.');
      const { configFile, host } = await this.worker.call('prepareSsh', this.known(configPath), machineName, this.options.home, await this.providerOf(configPath), this.projectRequest(configPath));
      const cmd = terminalCommand(configFile, host, this.host.platform ?? process.platform, (exe) => onPath(exe), process.env);
      if (!cmd) throw new Error(`No terminal program was found (x-terminal-emulator, gnome-terminal, konsole, xterm…). In a terminal of yours, run: ssh -F ${configFile} ${host}`);
      await (this.host.launchTerminal ?? launchTerminal)(cmd);
    },
    vmLog: async (configPath, machineName) => this.worker.call('vmLog', this.known(configPath), machineName),
    powerVm: async (configPath, machineName, action) => this.power(configPath, machineName, action),
    collectDiagnostics: async () => {
      if (!this.options.home) throw new Error('This host keeps no log to collect.');
      const { file, leftOut } = await writeSupportBundle({ home: this.options.home, configPaths: this.settings.get().projects, watched: this.settings.get().watched, appVersion: this.options.version ?? 'unknown' });
      if (leftOut.length > 0) this.notice(`The support bundle left out: ${leftOut.map((l) => `${l.file} (${l.why})`).join('; ')}.`);
      this.host.revealFile?.(file);
      return file;
    },
  };
}

/**
 * A provider-defined project as it is kept: its option checked as the provider's own (a folder
 * made absolute, a URI that names no program), its key paths absolute. Throws an Error whose
 * message says what to change.
 */
function checkedWatched(project: WatchedProject): WatchedProject {
  const options = projectProviderOptions({ provider: project.provider, option: project.option });
  const key = providerEntry(project.provider).projectOption?.key;
  const option = options && key ? options[key] : undefined;
  if (!option) throw new Error(`${providerEntry(project.provider).label} needs ${providerEntry(project.provider).projectOption?.words ?? 'its address'}`);
  // ~ and $VARS stay for the engine to expand where the key is used; a relative path is made absolute now.
  const keyPath = (login: SshLoginSetting): SshLoginSetting => ({ user: login.user, privateKey: /^[~$%]/.test(login.privateKey) ? login.privateKey : path.resolve(login.privateKey) });
  const checked: WatchedProject = {
    ...project,
    option: String(option),
    ...(project.ssh ? { ssh: keyPath(project.ssh) } : {}),
    ...(project.vmSsh ? { vmSsh: Object.fromEntries(Object.entries(project.vmSsh).map(([vm, l]) => [vm, keyPath(l)])) } : {}),
  };
  checkWatchedDefinition(checked);
  return checked;
}
