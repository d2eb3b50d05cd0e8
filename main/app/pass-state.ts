// How a pass's result enters the app state, and the summary a reconcile returns: pure, so the
// controller only decides when and the tests check what.

import type { AppState, HostsSyncView, ProjectView, ReconcileSummary } from '../../contract/api.js';
import type { PassResult } from '../worker/worker-protocol.js';

/** A watched project no pass has loaded yet. */
export const unloadedProject = (configPath: string): ProjectView => ({ configPath, name: null, error: null, vms: [], hostsBlock: '', warnings: [] });

/**
 * The state after a pass: its projects (with each VM's last hosts sync), in the settings' order;
 * a pass over some projects keeps the others as they were, and only a pass over all of them
 * says which duplicates exist.
 */
export function mergePass(state: Pick<AppState, 'projects' | 'duplicates'>, result: PassResult, options: { watched: string[]; syncs: Record<string, HostsSyncView>; all: boolean }): Pick<AppState, 'projects' | 'duplicates' | 'hypervisorError' | 'lastPassAt'> {
  const withSync = (p: ProjectView): ProjectView => ({ ...p, vms: p.vms.map((v) => ({ ...v, sync: options.syncs[v.key] ?? null })) });
  const fresh = new Map(result.projects.map((p) => [p.configPath, withSync(p)]));
  return {
    projects: options.watched.map((c) => fresh.get(c) ?? state.projects.find((p) => p.configPath === c) ?? unloadedProject(c)),
    duplicates: options.all ? result.duplicates : state.duplicates,
    hypervisorError: result.hypervisorError,
    lastPassAt: result.at,
  };
}

export function reconcileSummary(result: PassResult | null, now: Date): ReconcileSummary {
  const syncs = Object.values(result?.syncs ?? {});
  return {
    at: result?.at ?? now.toISOString(),
    projects: result?.projects.length ?? 0,
    synced: syncs.filter((s) => s.success && !s.skipped).length,
    updated: syncs.filter((s) => s.changed).length,
    skipped: syncs.filter((s) => s.skipped).length,
    failed: syncs.filter((s) => !s.success).length,
    changes: result?.changes ?? 0,
    hypervisorError: result?.hypervisorError ?? null,
  };
}
