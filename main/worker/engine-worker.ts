// The engine in a worker thread: discovery, diagnostics and hosts sync run here so that the
// main thread (tray, window, IPC) never blocks on them. One long-lived environment keeps the
// PowerShell session and SSH connections warm between passes.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { vmKey, type DiagnosticView, type KvpFixResult, type ProjectView } from '../../contract/api.js';
import { loadProject, type Project } from '../engine/config/load-project.js';
import { createEnvironment, type Environment } from '../engine/environment.js';
import { fixGuestKvp, inspectGuests } from '../engine/guest-actions.js';
import { inspectProjects } from '../engine/inspect.js';
import { reconcileProjects } from '../engine/reconcile.js';
import { errorMessage, HypervisorError, InputError } from '../engine/errors.js';
import { statePathFor } from '../engine/state/state-file.js';
import { NO_LOG, openLog, type Log } from '../engine/log/log-file.js';
import { logPass } from '../engine/log/log-pass.js';
import type { ProjectPlan } from '../engine/plan/plan.js';
import { sshEntries, writeSshConfig } from '../engine/ssh/write-ssh-config.js';
import { hostNames } from '../engine/ssh/ssh-client-config.js';
import { buildProjectView, duplicateViews, syncViews, vmView } from './project-view.js';
import type { PassRequest, PassResult, WorkerCalls, WorkerInit, WorkerMessage, WorkerRequest } from './worker-protocol.js';

const init = (workerData ?? {}) as WorkerInit;
const port = parentPort!;
const log: Log = init.logDir ? openLog({ dir: init.logDir, component: 'app' }) : NO_LOG;
let envPromise: Promise<Environment> | null = null;

// Lazily, so that a bad scenario or manifest is reported on the first call, not as a crash.
function environment(): Promise<Environment> {
  envPromise ??= createEnvironment({ ...init, keepConnections: true, logger: log }).then(
    (env) => {
      env.provider.watch?.(() => send({ kind: 'hint' }));
      return env;
    },
    (err) => {
      envPromise = null;
      throw err;
    },
  );
  return envPromise;
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

async function loadAll(configPaths: string[]): Promise<Array<{ configPath: string; project: Project | null; error: string | null }>> {
  return Promise.all(
    configPaths.map(async (configPath) => {
      try {
        return { configPath, project: await loadCached(configPath), error: null };
      } catch (err) {
        return { configPath, project: null, error: errorMessage(err) };
      }
    }),
  );
}

function brokenProject(configPath: string, error: string): ProjectView {
  return { configPath, name: null, error, vms: [], hostsBlock: '', warnings: [] };
}

type Handlers = { [M in keyof WorkerCalls]: (...args: Parameters<WorkerCalls[M]>) => Promise<ReturnType<WorkerCalls[M]>> };

/** `ssh <machine>` kept current: files are rewritten only when an address or a pin changed. */
async function keepSshConfig(env: Environment, where: { home: string; userConfig: string }, plans: ProjectPlan[]): Promise<string | null> {
  try {
    const files = await writeSshConfig({ home: where.home, entries: sshEntries(plans), hostKeys: env.hostKeys, userConfig: where.userConfig });
    if (files.changed.length > 0) log.info('ssh config written', { files: files.changed });
    return null;
  } catch (err) {
    log.error('ssh config failed', { error: errorMessage(err) });
    return `The OpenSSH config for 'ssh <machine>' could not be written: ${errorMessage(err)}`;
  }
}

const calls: Handlers = {
  async pass(request: PassRequest): Promise<PassResult> {
    const at = new Date().toISOString();
    const env = await environment();
    const loaded = await loadAll(request.configPaths);
    const ok = loaded.filter((l) => l.project).map((l) => l.project!);
    // A project that loaded keeps its name when the hypervisor cannot be asked; the app keeps its
    // last known VMs (marked stale) rather than showing none.
    const empty: PassResult = { at, hypervisorError: null, projects: loaded.map((l) => (l.project ? { ...brokenProject(l.configPath, ''), name: l.project.name, error: null } : brokenProject(l.configPath, l.error ?? ''))), duplicates: [], syncs: {}, syncedBlocks: {}, changes: 0, ipDiffs: [] };
    if (ok.length === 0) return empty;
    try {
      const { outcomes, duplicates } = await reconcileProjects(env, ok, {
        waitMs: 0,
        pollMs: 3000,
        dryRun: false,
        syncHosts: request.syncHosts,
        acceptHostKeys: request.acceptHostKeys,
        onlyMachines: request.onlyMachines,
        sync: { concurrency: 8, timeoutMs: 20_000 },
        onProgress: (configPath, machine, phase) => send({ kind: 'progress', key: vmKey(configPath, machine), phase }),
      });
      logPass(log, outcomes, request.syncHosts);
      const syncs = request.syncHosts ? Object.assign({}, ...outcomes.map((o, i) => syncViews(ok[i]!.configPath, o, at, request.onlyMachines?.[ok[i]!.configPath]))) : {};
      const syncedBlocks = Object.fromEntries(outcomes.flatMap((o, i) => o.sync.filter((s) => s.success).map((s) => [vmKey(ok[i]!.configPath, s.machineName), o.plan.hostsBlock])));
      const projects = loaded.map((l) => {
        const i = ok.findIndex((p) => p.configPath === l.configPath);
        return i === -1 ? brokenProject(l.configPath, l.error ?? '') : buildProjectView(l.configPath, outcomes[i]!.plan, ok[i]!.warnings);
      });
      const ipDiffs = outcomes.flatMap((o, i) =>
        o.plan.vms.flatMap((r) => (r.ipChange ? [{ key: vmKey(ok[i]!.configPath, r.machineName), configPath: ok[i]!.configPath, project: ok[i]!.name, machineName: r.machineName, from: r.ipChange.from, to: r.ipChange.to }] : [])),
      );
      const sshConfigError = request.sshConfig ? await keepSshConfig(env, request.sshConfig, outcomes.map((o) => o.plan)) : null;
      return { at, hypervisorError: null, projects, duplicates: duplicateViews(duplicates), syncs, syncedBlocks, changes: outcomes.reduce((n, o) => n + o.result.diffs.length, 0), ipDiffs, sshConfigError };
    } catch (err) {
      if (err instanceof HypervisorError || err instanceof InputError) {
        log.error('pass failed', { error: errorMessage(err), ...(err instanceof HypervisorError && err.detail ? { detail: err.detail } : {}) });
        return { ...empty, hypervisorError: errorMessage(err) };
      }
      throw err;
    }
  },

  async prepareSsh(configPath: string, machineName: string, home: string) {
    const env = await environment();
    const project = await loadProject(configPath);
    const inspection = await inspectProjects(env, [project], { waitMs: 0, pollMs: 3000 });
    const pp = inspection.plan.projects[0]!;
    const record = pp.vms.find((r) => r.machineName === machineName);
    if (!record) throw new Error(`${project.name} has no machine named '${machineName}'.`);
    if (!record.sshTarget) throw new Error(`Cannot open SSH to ${machineName}: ${record.sync.action === 'skip' ? record.sync.reason : 'it cannot be reached'}.`);
    const entries = sshEntries([pp]);
    const entry = entries.find((e) => e.machine === machineName)!;
    const host = hostNames(entries).get(entry)?.at(-1);
    if (!host) throw new Error(`Cannot open SSH to ${machineName}: its name is not a valid host name.`);
    const files = await writeSshConfig({ home, entries, hostKeys: env.hostKeys, configName: 'open-ssh.config' });
    // The terminal's ssh would stop at "Host key verification failed" with no word of why.
    // A VM whose hosts sync is skipped (QEMU's user-mode network) is logged in to by the checks only.
    const pinBy = record.sync.action === 'sync' ? 'Run Reconcile now once' : 'Run the checks in Diagnostics once';
    if (files.unpinned.includes(machineName)) throw new Error(`${machineName}'s SSH host key is not pinned yet, so ssh would refuse it. ${pinBy} (it logs in and pins the key), then Open SSH again.`);
    return { configFile: files.configFile, host };
  },

  async checkProject(configPath: string) {
    const project = await loadProject(configPath);
    return { name: project.name, configPath: project.configPath };
  },

  async diagnose(configPath: string): Promise<DiagnosticView[]> {
    const env = await environment();
    const project = await loadProject(configPath);
    const inspection = await inspectProjects(env, [project], { waitMs: 0, pollMs: 3000 });
    const pp = inspection.plan.projects[0]!;
    const guests = await inspectGuests(env, pp, { concurrency: 8, timeoutMs: 15_000 });
    return pp.vms.map((r) => {
      const v = vmView(configPath, r);
      return { key: v.key, machineName: v.machineName, vmName: v.vmName, facts: v.facts, sshOpen: v.sshOpen, warnings: v.warnings, guest: guests.get(r.machineName) ?? { unavailable: 'not inspected' } };
    });
  },

  async fixKvp(configPath: string, machineName: string, dryRun: boolean): Promise<KvpFixResult> {
    const env = await environment();
    const project = await loadProject(configPath);
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
