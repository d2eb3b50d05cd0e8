// Seed 000's reconcile, the imperative shell around the pure planner: one inspection (see
// inspect.ts), then each project's state.json write and its guests' hosts sync. Every effect goes
// through the injected dependencies.

import type { Project } from './config/load-project.js';
import { errorMessage, InputError } from './errors.js';
import { didYouMean } from './did-you-mean.js';
import { nameLabel } from './excerpt.js';
import { inspectProjects, projectPlanOf, type EngineDeps, type WaitOptions } from './inspect.js';
import type { DuplicateGroup, ProjectFacts, ProjectPlan } from './plan/plan.js';
import { toDiscoveryResult } from './plan/vm-record.js';
import type { HostsSyncResult, ReconcileResult } from './seed-types.js';
import { writeNetworkStates } from './state/state-file.js';
import { writeTrayState } from './state/tray-state.js';
import { syncHostsFiles, type SyncOptions, type SyncOutcome } from './ssh/sync-hosts.js';
import { texts, warning, type Warning } from './warning.js';

export interface ReconcileOptions extends WaitOptions {
  dryRun: boolean;
  syncHosts: boolean;
  sync: SyncOptions;
  /**
   * Per config path, the machines whose pinned SSH host key is dropped before syncing, so the
   * key they offer now is trusted.
   */
  acceptHostKeys?: Record<string, string[]>;
  /** Per config path, the only machines whose hosts are synced ("Reconcile this VM"); all when absent. */
  onlyMachines?: Record<string, string[]>;
  /** Per-VM sync progress, with the project it belongs to (machine names repeat across projects). */
  onProgress?: (configPath: string, machineName: string, phase: string) => void;
}

export interface ReconcileOutcome {
  result: ReconcileResult;
  plan: ProjectPlan;
  facts: ProjectFacts;
  sync: SyncOutcome[];
  stateWritten: boolean;
  /** Why state.json could not be written (the guests were synced all the same). */
  stateError: string | null;
  /** result.warnings with their codes, in the same order (the seed keeps them strings). */
  warnings: Warning[];
}

/** Seed 000's reconcile for one project: discover, record in state.json, sync every guest's hosts. */
export async function reconcileProject(deps: EngineDeps, project: Project, options: ReconcileOptions): Promise<ReconcileOutcome> {
  return (await reconcileProjects(deps, [project], options)).outcomes[0]!;
}

export interface ReconcilePass {
  outcomes: ReconcileOutcome[];
  /** Across all the pass's projects: they share one switch. */
  duplicates: DuplicateGroup[];
}

/**
 * Reconcile for several projects from ONE discovery pass (one hypervisor query for all their
 * VMs, duplicates detected across them), then each project's state write and hosts sync.
 */
export async function reconcileProjects(deps: EngineDeps, projects: Project[], options: ReconcileOptions): Promise<ReconcilePass> {
  for (const project of projects) {
    const unknown = (options.acceptHostKeys?.[project.configPath] ?? []).filter((m) => !project.vms.some((v) => v.machineName === m));
    if (unknown.length > 0) {
      const names = project.vms.map((v) => v.machineName);
      throw new InputError(project.configPath, [{ field: null, problem: `has no machine named ${unknown.map((m) => `'${m}'${didYouMean(m, names)}`).join(', ')}` }], 'Check the names given to --accept-host-key.');
    }
  }
  const inspection = await inspectProjects(deps, projects, options, options.syncHosts);
  const outcomes: ReconcileOutcome[] = [];
  for (const [i, project] of inspection.projects.entries()) {
    outcomes.push(await applyProjectPlan(deps, project, inspection.facts[i]!, projectPlanOf(inspection, project.configPath), options));
  }
  return { outcomes, duplicates: inspection.plan.duplicates };
}

async function applyProjectPlan(deps: EngineDeps, project: Project, facts: ProjectFacts, projectPlan: ProjectPlan, options: ReconcileOptions): Promise<ReconcileOutcome> {
  const warnings = [...project.warnings];
  for (const r of projectPlan.vms) for (const w of r.warnings) warnings.push({ ...w, text: `${nameLabel(r.machineName)}: ${w.text}` });

  let stateWritten = false;
  let stateError: string | null = null;
  if (!options.dryRun && projectPlan.networkUpdates.length > 0) {
    // A state.json the tray cannot write must not keep the guests from their hosts sync.
    try {
      const outcome = project.source?.kind === 'watched' ? await writeTrayState(project.statePath, { name: project.name, key: project.configPath }, project.state?.vms ?? {}, projectPlan.networkUpdates) : await writeNetworkStates(project.statePath, projectPlan.networkUpdates);
      stateWritten = outcome.written;
      for (const m of outcome.dropped) warnings.push(warning('state-dropped', `${m}: left state.json while reconciling (Ragnatramp removed or recreated it); its network was not recorded.`));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      stateError = err.message;
      warnings.push(warning('state-unwritable', err.message));
    }
  }

  const only = options.onlyMachines?.[project.configPath];
  const asked = (machineName: string) => !only || only.includes(machineName);
  const syncing = projectPlan.vms.flatMap((r) => (r.sync.action === 'sync' && r.sshTarget && asked(r.machineName) ? [{ record: r, target: r.sshTarget }] : []));
  for (const { record, target } of syncing) {
    if (options.acceptHostKeys?.[project.configPath]?.includes(record.machineName) && !options.dryRun) {
      if (await deps.hostKeys?.forget(target.hostKeyAlias)) warnings.push(warning('host-key-forgotten', `${record.machineName}: its previous SSH host key was forgotten (--accept-host-key); the key it offers now is trusted.`));
    }
  }
  const tasks = syncing.map(({ target }) => ({ target, block: projectPlan.hostsBlock }));
  const onProgress = options.onProgress;
  const sync = { ...options.sync, memory: options.sync.memory ?? deps.hostsMemory, ...(onProgress ? { onProgress: (m: string, phase: string) => onProgress(project.configPath, m, phase) } : {}) };
  const synced = options.dryRun ? [] : await syncHostsFiles(tasks, deps.connector, sync);
  const hostsSyncResults: HostsSyncResult[] = projectPlan.vms.map((r) => {
    if (r.sync.action === 'skip') return { machineName: r.machineName, success: true, skipped: true, skipReason: r.sync.reason };
    if (!asked(r.machineName)) return { machineName: r.machineName, success: true, skipped: true, skipReason: `not asked: only ${only!.join(', ')} was reconciled` };
    if (options.dryRun) return { machineName: r.machineName, success: true, skipped: true, skipReason: `dry run: would sync /etc/hosts at ${r.ipv4}` };
    const s = synced.find((x) => x.machineName === r.machineName)!;
    return { machineName: s.machineName, success: s.success, skipped: false, ...(s.error ? { error: s.error } : {}) };
  });
  for (const r of hostsSyncResults) if (r.error) warnings.push(warning('hosts-sync-failed', `${r.machineName}: hosts sync failed: ${r.error}`));

  const result: ReconcileResult = {
    success: stateError === null && hostsSyncResults.every((r) => r.success),
    discoveries: projectPlan.vms.map(toDiscoveryResult),
    diffs: projectPlan.diffs,
    hostsSyncResults,
    hostsBlock: projectPlan.hostsBlock,
    warnings: texts(warnings),
  };
  return { result, plan: projectPlan, facts, sync: synced, stateWritten, stateError, warnings };
}

/** A ReconcileResult for a pass that could not query the hypervisor at all. */
export function failedReconcileResult(err: unknown): ReconcileResult {
  return { success: false, discoveries: [], diffs: [], hostsSyncResults: [], hostsBlock: '', warnings: [errorMessage(err)] };
}
