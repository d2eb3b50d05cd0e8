// The engine in a worker thread: discovery, diagnostics and hosts sync run here so that the
// main thread (tray, window, IPC) never blocks on them. One long-lived environment per provider
// in use (the app's own, and each one a project names in Settings) keeps the PowerShell session
// and SSH connections warm between passes; one no project uses any more because its provider or
// token changed in Settings is disposed of at the next pass, and all of them on `dispose` (quit,
// or a worker being replaced), each with its watcher's children. A removed project's own
// environment stays until then: a pass may name only some projects, so absence says nothing.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { vmKey, type DiagnosticView, type KvpFixResult, type PowerAction, type PowerResultView, type ProjectView, type VmLogLineView } from '../../contract/api.js';
import { loadProject, type Project } from '../engine/config/load-project.js';
import { createEnvironment, type Environment } from '../engine/environment.js';
import { fixGuestKvp, inspectGuests } from '../engine/guest-actions.js';
import { inspectProjects } from '../engine/inspect.js';
import { powerUnavailable, powerVm } from '../engine/power-vm.js';
import { reconcileProjects, type ReconcileOutcome } from '../engine/reconcile.js';
import { canonicalClusterUrl, projectProviderOptions } from '../engine/providers/provider-args.js';
import type { ProviderOptions } from '../engine/providers/provider-entry.js';
import { defaultProvider, providerEntry } from '../engine/providers/registry.js';
import { runHostChecks } from '../engine/support/doctor.js';
import type { DuplicateGroup } from '../engine/plan/plan.js';
import { errorMessage, HypervisorError, InputError } from '../engine/errors.js';
import { statePathFor } from '../engine/state/state-file.js';
import { NO_LOG, openLog, type Log } from '../engine/log/log-file.js';
import { logPass } from '../engine/log/log-pass.js';
import type { ProjectPlan } from '../engine/plan/plan.js';
import { planMachines, sshEntries, writeSshConfig } from '../engine/ssh/write-ssh-config.js';
import { leftToUserNotice } from '../engine/ssh/ssh-client-config.js';
import { texts } from '../engine/warning.js';
import { historyOf, noteProject, type AddressHistory } from '../engine/history/address-history.js';
import { loadHistoryForWriting, writeHistory } from '../engine/history/history-file.js';
import { vmLogLines } from '../engine/log/vm-log.js';
import { buildProjectView, unknownVmView, duplicateViews, syncViews, vmView } from './project-view.js';
import type { PassRequest, PassResult, ProjectRequest, ProviderRequest, WorkerCalls, WorkerInit, WorkerMessage, WorkerRequest } from './worker-protocol.js';
import { isWatchedKey, loadWatchedProject, withListedVms } from '../engine/config/watched-project.js';
import { defaultTrayHome } from '../engine/ssh/known-hosts.js';

const init = (workerData ?? {}) as WorkerInit;
const port = parentPort!;
const log: Log = init.logDir ? openLog({ dir: init.logDir, component: 'app' }) : NO_LOG;
/** Per provider choice: its environment, and how to stop its watcher (virsh event, ip monitor, file watchers). */
const envs = new Map<string, Promise<Environment & { unwatch?: () => void }>>();
// Told by the providers (a certificate pinned on first use); handed to the window with the next pass's result.
const notices: string[] = [];

/** A project's provider choice, checked once: the options of its environment (null: the app's own), the key that environment is kept under, and the provider's label. */
interface Resolved {
  key: string;
  options: (ProviderOptions & { provider: string }) | null;
  label: string;
}

/** The app's own provider (its start-up options): kept for the worker's life. */
const AUTO_KEY = JSON.stringify(['auto', null]);

/**
 * Throws for a choice that does not check out (a saved URI that is no longer valid, say). Projects
 * naming one cluster however they spell it share one environment: a pass asks that cluster once
 * for all of them, and its guests' reads are remembered once.
 */
function resolveChoice(choice: ProviderRequest | undefined): Resolved {
  const given = projectProviderOptions(choice);
  const chosen = given?.proxmox ? { ...given, proxmox: canonicalClusterUrl(given.proxmox) } : given;
  const secret = chosen ? choice?.secret : undefined;
  return {
    // A stored token is part of the key, hashed: keys are logged nowhere, but need not hold it.
    key: chosen ? JSON.stringify([chosen, secret ? createHash('sha256').update(secret).digest('hex') : null]) : AUTO_KEY,
    options: chosen && { ...chosen, ...(secret ? { proxmoxTokenValue: secret } : {}) },
    label: providerEntry(chosen?.provider ?? init.provider ?? defaultProvider(init)).label,
  };
}

// Lazily, so that a bad scenario, manifest or provider option is reported on the first call, not
// as a crash. A project's own choice keeps the app's pin file and nothing else of its start-up
// options ('auto' is the app's own provider, a simulation included).
function environment({ key, options }: Resolved): Promise<Environment> {
  let env = envs.get(key);
  if (!env) {
    env = createEnvironment({ ...(options ? { ...options, knownHostsFile: init.knownHostsFile } : init), keepConnections: true, logger: log, onNotice: (text) => notices.push(text) }).then(
      (e) => Object.assign(e, { unwatch: e.provider.watch?.(() => send({ kind: 'hint' })) }),
      (err) => {
        envs.delete(key);
        throw err;
      },
    );
    envs.set(key, env);
  }
  return env;
}

/** Per project, the provider choice it was last asked with. */
const choiceOf = new Map<string, string>();

/**
 * Records each project's choice; an environment no project chooses any more (its provider or
 * token changed in Settings) is disposed of. The app's own stays for the worker's life.
 */
async function recordChoices(choices: Array<[configPath: string, resolved: Resolved]>): Promise<void> {
  const replaced = choices.flatMap(([configPath, { key }]) => {
    const before = choiceOf.get(configPath);
    choiceOf.set(configPath, key);
    return before !== undefined && before !== key ? [before] : [];
  });
  if (replaced.length === 0) return;
  const inUse = new Set(choiceOf.values());
  await disposeEnvironments((key) => key === AUTO_KEY || inUse.has(key) || !replaced.includes(key));
}

/** A project's choice for a single call (diagnose, fix, ssh), recorded like a pass's. */
async function chosen(configPath: string, provider: ProviderRequest | undefined): Promise<Resolved> {
  const resolved = resolveChoice(provider);
  await recordChoices([[configPath, resolved]]);
  return resolved;
}

/** Disposes of the environments whose key is not kept; one that failed to start has nothing to dispose of. */
async function disposeEnvironments(keep: (key: string) => boolean): Promise<void> {
  const gone = [...envs].filter(([key]) => !keep(key));
  for (const [key] of gone) envs.delete(key);
  await Promise.all(
    gone.map(async ([key, pending]) => {
      const env = await pending.catch(() => null);
      if (!env) return;
      env.unwatch?.();
      await env.dispose().catch((err: unknown) => log.error('provider dispose failed', { error: errorMessage(err) }));
      log.info('provider environment disposed', { provider: key === AUTO_KEY ? 'auto' : 'project choice' });
    }),
  );
}

/**
 * One reconcile per provider in use, each over its projects: a project's VMs are asked of its
 * own provider, and duplicate addresses are looked for among the projects that share one (one
 * network). The groups run side by side, each against its own deadline: a provider that hangs
 * (a cluster that trickles its answer, a hypervisor that never answers) fails only its projects,
 * and the others' results come back with this pass, not after it. Outcomes come back in the
 * order of `projects`, null where the provider failed.
 */
async function reconcileByProvider(projects: Array<{ project: Project; resolved: Resolved }>, request: PassRequest, onProgress: (configPath: string, machine: string, phase: string) => void) {
  const groups = new Map<string, { resolved: Resolved; members: Project[] }>();
  for (const { project, resolved } of projects) {
    const group = groups.get(resolved.key) ?? { resolved, members: [] };
    group.members.push(project);
    groups.set(resolved.key, group);
  }
  const outcomes = new Map<Project, ReconcileOutcome>();
  const duplicates: DuplicateGroup[] = [];
  const failed = new Map<Project, string>();
  const envsUsed: Environment[] = [];
  const deadlineMs = init.groupDeadlineMs ?? 60_000;
  await Promise.all(
    [...groups.values()].map(async ({ resolved, members }) => {
      try {
        const pass = await withDeadline(resolved.key, deadlineMs, `${resolved.label} did not finish its pass within ${deadlineMs / 1000} s; its projects show what was last seen, and the other providers' passes went on.`, async () => {
          const env = await environment(resolved);
          envsUsed.push(env);
          return reconcileProjects(env, members, {
            waitMs: 0,
            pollMs: 3000,
            dryRun: false,
            syncHosts: request.syncHosts,
            acceptHostKeys: request.acceptHostKeys,
            onlyMachines: request.onlyMachines,
            sync: { concurrency: 8, timeoutMs: 20_000 },
            onProgress,
          });
        });
        members.forEach((p, i) => outcomes.set(p, pass.outcomes[i]!));
        duplicates.push(...pass.duplicates);
      } catch (err) {
        if (!(err instanceof HypervisorError || err instanceof InputError)) throw err;
        const message = groups.size > 1 ? `${resolved.label}: ${errorMessage(err)}` : errorMessage(err);
        log.error('pass failed', { provider: resolved.label, error: errorMessage(err), ...(err instanceof HypervisorError && err.detail ? { detail: err.detail } : {}) });
        for (const p of members) failed.set(p, message);
      }
    }),
  );
  return { outcomes: projects.map(({ project }) => outcomes.get(project) ?? null), failed, duplicates, env: envsUsed[0] ?? null };
}

// A group's pass that outlived its deadline, still running: the next pass leaves that group
// alone until it ends, so two passes never reconcile (and write state.json for) the same projects.
const overdue = new Map<string, Promise<unknown>>();

/** The work's result, or a HypervisorError saying `why` once `ms` have passed (the work is left to its own deadlines). */
function withDeadline<T>(key: string, ms: number, why: string, work: () => Promise<T>): Promise<T> {
  if (overdue.has(key)) return Promise.reject(new HypervisorError(why, 'Its last pass has not ended yet; this pass left it alone.'));
  let timer: NodeJS.Timeout | undefined;
  const run = work();
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      overdue.set(key, run);
      void run.catch(() => undefined).finally(() => overdue.delete(key));
      reject(new HypervisorError(why, 'Check that the provider answers (its address, its network); the next pass tries again.'));
    }, ms);
  });
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}

const send = (m: WorkerMessage) => port.postMessage(m);

// Parsing and validating a project costs more than a whole pass's discovery: a watching engine
// reuses the last result while neither ragnatramp.yaml nor state.json has changed.
const loaded = new Map<string, { key: string; project: Project }>();

async function loadCached(configPath: string): Promise<Project> {
  const read = (f: string) => readFile(f, 'utf8').catch(() => '');
  const key = `${await read(configPath)}\u0000${await read(statePathFor(path.resolve(configPath)))}`;
  const hit = loaded.get(configPath);
  if (hit?.key === key) return hit.project;
  const project = await loadProject(configPath);
  loaded.set(configPath, { key, project });
  return project;
}

/** The tray's folder: a provider-defined project's state file lives there. */
const trayHome = () => init.logDir ?? defaultTrayHome();

/** A project by its key: a ragnatramp.yaml (cached), or a provider-defined one from its definition; with its names. */
async function loadFor(configPath: string, request: ProjectRequest | undefined, cached = true): Promise<Project> {
  let project: Project;
  if (isWatchedKey(configPath)) {
    const definition = request?.watched;
    if (!definition) throw new Error(`${configPath} is not defined in the settings: add it again.`);
    project = await loadWatchedProject(definition, trayHome());
  } else project = cached ? await loadCached(configPath) : await loadProject(configPath);
  return request?.names ? { ...project, names: request.names } : project;
}

async function loadAll(configPaths: string[], requests: Record<string, ProjectRequest> = {}): Promise<Array<{ configPath: string; project: Project | null; error: string | null }>> {
  return Promise.all(
    configPaths.map(async (configPath) => {
      try {
        return { configPath, project: await loadFor(configPath, requests[configPath]), error: null };
      } catch (err) {
        return { configPath, project: null, error: errorMessage(err) };
      }
    }),
  );
}

function brokenProject(configPath: string, error: string): ProjectView {
  return { configPath, name: null, error, vms: [], hostsBlock: '', warnings: [] };
}

/** Each VM's last addresses: read from the tray's folder at the first pass, written when a pass changes them. */
let history: AddressHistory | null = null;

async function addressHistory(): Promise<AddressHistory> {
  if (!history) {
    const loaded = init.logDir ? await loadHistoryForWriting(init.logDir, new Date()) : { history: {}, notice: null };
    if (loaded.notice) notices.push(loaded.notice);
    history ??= loaded.history;
  }
  return history;
}

/** Notes what this pass saw of each project's VMs; a VM stopped or missing has left its address, one whose address is unknown has not. */
async function noteAddresses(done: Array<{ project: Project; outcome: ReconcileOutcome }>, at: string): Promise<AddressHistory> {
  const before = await addressHistory();
  let after = before;
  for (const { project, outcome } of done) {
    after = noteProject(after, project.configPath, outcome.plan.vms.map((r) => ({ machineName: r.machineName, ipv4: r.ipv4, active: r.status !== 'stopped' && r.status !== 'missing' })), at);
  }
  history = after;
  if (after !== before && init.logDir) {
    await writeHistory(init.logDir, after).catch((err: unknown) => {
      log.error('address history not written', { error: errorMessage(err) });
      notices.push(`The address history could not be saved: ${errorMessage(err)}`);
    });
  }
  return after;
}

/** Per project whose provider cannot power VMs (a Linux manifest), why: its rows offer no Start or Stop. */
async function powerlessProjects(ok: Array<{ project: Project; resolved: Resolved }>): Promise<Map<string, string>> {
  const why = await Promise.all(ok.map(async (o) => [o.project.configPath, await environment(o.resolved).then((e) => powerUnavailable(e.provider), () => null)] as const));
  return new Map(why.filter((w): w is readonly [string, string] => w[1] !== null));
}

function withPowerUnavailable(view: ProjectView, why: string | undefined): ProjectView {
  return why ? { ...view, vms: view.vms.map((v) => ({ ...v, powerUnavailable: why })) } : view;
}

type Handlers = { [M in keyof WorkerCalls]: (...args: Parameters<WorkerCalls[M]>) => Promise<ReturnType<WorkerCalls[M]>> };

/**
 * `ssh <machine>` kept current: files are rewritten only when an address or a pin changed. The
 * answer is what the user should hear (said once by the app): why nothing was written, or which
 * VMs were left out and which short names stayed with the user's own config.
 */
async function keepSshConfig(env: Environment, where: { home: string; userConfig: string }, plans: ProjectPlan[], projects: Project[]): Promise<string | null> {
  try {
    // A project whose hypervisor could not be asked this pass has no plan, but its machines still
    // hold their names: short names must not come and go with a provider's outages.
    const machines = [...(planMachines(plans) ?? []), ...projects.flatMap((p) => p.machines.map((m) => ({ project: p.name, machine: m.name })))];
    const files = await writeSshConfig({ home: where.home, entries: sshEntries(plans), machines, hostKeys: env.hostKeys, userConfig: where.userConfig });
    if (files.changed.length > 0) log.info('ssh config written', { files: files.changed });
    const said = [...files.refused.map((r) => r.message), ...(files.leftToUser.length > 0 ? [leftToUserNotice(files.leftToUser, where.userConfig)] : [])];
    if (files.refused.length > 0) log.warn('ssh config left VMs out', { refused: files.refused.map((r) => r.message) });
    return said.length > 0 ? said.join('\n') : null;
  } catch (err) {
    log.error('ssh config failed', { error: errorMessage(err) });
    return `The OpenSSH config for 'ssh <machine>' could not be written: ${errorMessage(err)}`;
  }
}

const calls: Handlers = {
  async pass(request: PassRequest): Promise<PassResult> {
    const at = new Date().toISOString();
    const loaded = await loadAll(request.configPaths, request.projects);
    // A saved provider choice that no longer checks out (a bad URI) is that project's error.
    const ok: Array<{ project: Project; resolved: Resolved }> = [];
    for (const l of loaded) {
      if (!l.project) continue;
      try {
        ok.push({ project: l.project, resolved: resolveChoice(request.providers?.[l.configPath]) });
      } catch (err) {
        Object.assign(l, { project: null, error: `Its provider in Settings: ${errorMessage(err)}. Choose it again in Settings.` });
      }
    }
    // A project that loaded keeps its name when the hypervisor cannot be asked; the app keeps its
    // last known VMs (marked stale) rather than showing none.
    // Its VMs read "unknown" (never "missing"): the app shows them when it has seen none before.
    const labels = new Map(ok.map((o) => [o.project, o.resolved.label]));
    let seen = await addressHistory();
    const unasked = (l: (typeof loaded)[number], stale?: string): ProjectView =>
      l.project ? { ...brokenProject(l.configPath, ''), name: l.project.name, error: null, ...(stale ? { stale, vms: l.project.vms.map((r) => unknownVmView(l.configPath, r, labels.get(l.project!) ?? '', historyOf(seen, l.configPath, r.machineName))) } : {}) } : brokenProject(l.configPath, l.error ?? '');
    const empty: PassResult = { at, hypervisorError: null, projects: loaded.map((l) => unasked(l)), duplicates: [], syncs: {}, syncedBlocks: {}, changes: 0, ipDiffs: [] };
    await recordChoices(ok.map((o) => [o.project.configPath, o.resolved]));
    if (ok.length === 0) return empty;
    const { outcomes, failed, duplicates, env } = await reconcileByProvider(ok, request, (configPath, machine, phase) => send({ kind: 'progress', key: vmKey(configPath, machine), phase }));
    const hypervisorError = failed.size > 0 ? [...new Set(failed.values())].join('\n') : null;
    const staleWhy = (l: (typeof loaded)[number]) => {
      // The cause is the red banner's, said once; this says only what the rows are.
      return l.project && failed.has(l.project) ? `Showing what was last seen: ${labels.get(l.project)} could not be asked (the cause is above).` : undefined;
    };
    if (!env) return { ...empty, projects: loaded.map((l) => unasked(l, staleWhy(l))), hypervisorError, notices: notices.splice(0) };
    const done = ok.flatMap(({ project }, i) => (outcomes[i] ? [{ project, outcome: outcomes[i]! }] : []));
    logPass(log, done.map((d) => d.outcome), request.syncHosts);
    seen = await noteAddresses(done, at);
    const syncs = request.syncHosts ? Object.assign({}, ...done.map((d) => syncViews(d.project.configPath, d.outcome, at, request.onlyMachines?.[d.project.configPath]))) : {};
    const syncedBlocks = Object.fromEntries(done.flatMap((d) => d.outcome.sync.filter((s) => s.success).map((s) => [vmKey(d.project.configPath, s.machineName), d.outcome.plan.hostsBlock])));
    const powerless = await powerlessProjects(ok);
    const projects = loaded.map((l) => {
      const d = done.find((x) => x.project.configPath === l.configPath);
      return withPowerUnavailable(d ? buildProjectView(l.configPath, d.outcome.plan, texts(d.project.warnings), seen) : unasked(l, staleWhy(l)), powerless.get(l.configPath));
    });
    const ipDiffs = done.flatMap(({ project, outcome }) =>
      outcome.plan.vms.flatMap((r) => (r.ipChange ? [{ key: vmKey(project.configPath, r.machineName), configPath: project.configPath, project: project.name, machineName: r.machineName, from: r.ipChange.from, to: r.ipChange.to }] : [])),
    );
    const sshConfigError = request.sshConfig ? await keepSshConfig(env, request.sshConfig, done.map((d) => d.outcome.plan), ok.map((o) => o.project)) : null;
    return { at, hypervisorError, projects, duplicates: duplicateViews(duplicates), syncs, syncedBlocks, changes: done.reduce((n, d) => n + d.outcome.result.diffs.length, 0), ipDiffs, sshConfigError, notices: notices.splice(0) };
  },

  async prepareSsh(configPath: string, machineName: string, home: string, provider?: ProviderRequest, request?: ProjectRequest) {
    const env = await environment(await chosen(configPath, provider));
    const project = await loadFor(configPath, request, false);
    const inspection = await inspectProjects(env, [project], { waitMs: 0, pollMs: 3000 });
    const pp = inspection.plan.projects[0]!;
    const record = pp.vms.find((r) => r.machineName === machineName);
    if (!record) throw new Error(`${project.name} has no machine named '${machineName}'.`);
    if (!record.sshTarget) throw new Error(`Cannot open SSH to ${machineName}: ${record.sync.action === 'skip' ? record.sync.reason : 'it cannot be reached'}.`);
    const entries = sshEntries([pp]);
    const entry = entries.find((e) => e.machine === machineName)!;
    const files = await writeSshConfig({ home, entries, hostKeys: env.hostKeys, configName: 'open-ssh.config' });
    const host = files.names.get(entry)?.at(-1);
    if (!host) throw new Error(files.refused.find((r) => r.machine === machineName)?.message ?? `Cannot open SSH to ${machineName}: its name is not a valid host name.`);
    // The terminal's ssh would stop at "Host key verification failed" with no word of why.
    // A VM whose hosts sync is skipped (QEMU's user-mode network) is logged in to by the checks only.
    const pinBy = record.sync.action === 'sync' ? 'Run Sync now once' : 'Run the checks in Diagnostics once';
    if (files.unpinned.includes(machineName)) throw new Error(`${machineName}'s SSH host key is not pinned yet, so ssh would refuse it. ${pinBy} (it logs in and pins the key), then Open SSH again.`);
    return { configFile: files.configFile, host };
  },

  async power(configPath: string, machineName: string, action: PowerAction, provider?: ProviderRequest, request?: ProjectRequest): Promise<PowerResultView> {
    const env = await environment(await chosen(configPath, provider));
    const loaded = await loadFor(configPath, request, false);
    // A provider-defined project's VMs as listed now: a stopped one may have no address recorded yet.
    const project = loaded.source?.kind === 'watched' && env.provider.list ? withListedVms(loaded, await env.provider.list(loaded.source.selection)) : loaded;
    log.info('power requested', { project: project.name, configPath, machine: machineName, action });
    try {
      const result = await powerVm(env.provider, project, machineName, action);
      log.info('power done', { project: project.name, configPath, machine: machineName, action, changed: result.changed, message: result.message });
      return result;
    } catch (err) {
      log.error('power failed', { project: project.name, configPath, machine: machineName, action, error: errorMessage(err) });
      throw err;
    }
  },

  async checkProject(configPath: string) {
    const project = await loadProject(configPath);
    return { name: project.name, configPath: project.configPath };
  },

  async diagnose(configPath: string, provider?: ProviderRequest, request?: ProjectRequest): Promise<DiagnosticView[]> {
    const env = await environment(await chosen(configPath, provider));
    const project = await loadFor(configPath, request, false);
    const inspection = await inspectProjects(env, [project], { waitMs: 0, pollMs: 3000 });
    const pp = inspection.plan.projects[0]!;
    const guests = await inspectGuests(env, pp, { concurrency: 8, timeoutMs: 15_000 });
    return pp.vms.map((r) => {
      const v = vmView(configPath, r);
      return { key: v.key, machineName: v.machineName, vmName: v.vmName, facts: v.facts, sshOpen: v.sshOpen, warnings: v.warnings, guest: guests.get(r.machineName) ?? { unavailable: 'not inspected' } };
    });
  },

  async vmLog(configPath: string, machineName: string): Promise<VmLogLineView[]> {
    if (!init.logDir) return [];
    // The project's name finds the lines that name it rather than its path; one that does not load has lines by path only.
    const project = await loadCached(configPath).then((p) => p.name, () => '');
    return vmLogLines(init.logDir, { configPath, project, machineName });
  },

  async hostChecks(request) {
    const groups = new Map<string, { resolved: Resolved; projects: Project[] }>();
    const join = (resolved: Resolved, project: Project | null) => {
      const group = groups.get(resolved.key) ?? { resolved, projects: [] };
      if (project) group.projects.push(project);
      groups.set(resolved.key, group);
    };
    if (request.configPaths.length === 0) join(resolveChoice(undefined), null);
    for (const l of await loadAll(request.configPaths)) {
      try {
        join(resolveChoice(request.providers[l.configPath]), l.project);
      } catch {
        // A provider choice that no longer checks out is that project's error, said by its pass.
      }
    }
    return Promise.all(
      [...groups.values()].map(async ({ resolved, projects }) => {
        const options = resolved.options ?? init;
        const provider = resolved.options?.provider ?? init.provider ?? defaultProvider(init);
        const label = providerEntry(provider).label;
        try {
          const env = await environment(resolved);
          return { provider, label, checks: await runHostChecks(env, projects, { provider, options, simulated: !resolved.options && !!init.simulate, logger: log }) };
        } catch (err) {
          const [first, ...rest] = errorMessage(err).split('\n');
          return { provider, label, checks: [{ step: `${label} set up`, ok: false, detail: first!, fix: rest.join(' ') || null }] };
        }
      }),
    );
  },

  async dispose() {
    await disposeEnvironments(() => false);
  },

  async ping() {
    return 'pong' as const;
  },

  async fixKvp(configPath: string, machineName: string, dryRun: boolean, provider?: ProviderRequest, request?: ProjectRequest): Promise<KvpFixResult> {
    const env = await environment(await chosen(configPath, provider));
    const project = await loadFor(configPath, request, false);
    const inspection = await inspectProjects(env, [project], { waitMs: 0, pollMs: 3000 });
    const outcome = await fixGuestKvp(env, inspection.plan.projects[0]!, machineName, { dryRun, timeoutMs: 300_000 });
    if ('error' in outcome) return { machineName, dryRun, commands: [], steps: [], success: false, error: outcome.error };
    return outcome;
  },
};

port.on('message', (request: WorkerRequest) => {
  const handler = calls[request.method] as (...args: unknown[]) => Promise<unknown>;
  handler(...request.args).then(
    (value) => send({ kind: 'result', id: request.id, value }),
    (err: unknown) => send({ kind: 'error', id: request.id, message: errorMessage(err) }),
  );
});
send({ kind: 'ready' });
