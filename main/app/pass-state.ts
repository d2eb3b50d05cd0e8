// How a pass's result enters the app state, and the summary a reconcile returns: pure, so the
// controller only decides when and the tests check what.

import type { AppState, HostsSyncView, ProjectView, ReconcileSummary, VmView } from '../../contract/api.js';
import type { PassResult } from '../worker/worker-protocol.js';
import { withMutes } from './vm-problems.js';

/** A watched project no pass has loaded yet. */
export const unloadedProject = (configPath: string): ProjectView => ({ configPath, name: null, error: null, vms: [], hostsBlock: '', warnings: [] });

export interface SyncMemory {
  /** The user's muted checks (settings). */
  muted: readonly string[];
  /** Each VM's last hosts sync result. */
  syncs: Record<string, HostsSyncView>;
  /** The block each VM's guest was last synced with. */
  blocks: Record<string, string>;
}

/**
 * The last sync as it reads now: a skip stands only while this pass would skip too, and then
 * for this pass's reason (a VM running again no longer reads "skipped: VM is Off", a cleared
 * duplicate no longer "skipped: duplicate").
 */
function currentSync(last: HostsSyncView | null, skipNow: string | null): HostsSyncView | null {
  if (!last?.skipped) return last;
  return skipNow ? { ...last, message: skipNow } : null;
}

/**
 * A VM the last pass saw up with an address (running or booting) and this pass up without one
 * lost its address: it is still running, with its IP unknown, not initializing (issue 23, point
 * 6). Seed 003's initializing is a VM that has had no address since it started; a stop in between
 * shows as one pass stopped.
 */
function withLostAddress(v: VmView, before: VmView | undefined): VmView {
  const lost = v.status === 'initializing' && !v.ipv4 && !v.sshAt && (before?.status === 'running' || before?.status === 'booting');
  return lost ? { ...v, status: 'running' } : v;
}

/** A project's VMs with their last sync, whether that sync is out of date, and their problems. */
function withSyncs(p: ProjectView, memory: SyncMemory, previous: ProjectView | undefined): ProjectView {
  return {
    ...p,
    vms: p.vms.map((now) => {
      const v = withLostAddress(now, previous?.vms.find((x) => x.key === now.key));
      const sync = currentSync(memory.syncs[v.key] ?? null, v.hostsSkip);
      const block = memory.blocks[v.key];
      // Out of date only where a reconcile would bring it up to date (not a stopped or missing VM).
      const hostsStale = !!sync && sync.success && !sync.skipped && !v.hostsSkip && block !== undefined && block !== p.hostsBlock;
      const vm = { ...v, sync, hostsStale };
      return { ...vm, ...withMutes(vm, memory.muted) };
    }),
  };
}

/**
 * The state after a pass: its projects (with each VM's last hosts sync), in the settings' order;
 * a pass over some projects keeps the others as they were, and only a pass over all of them
 * says which duplicates exist. When the hypervisor could not be asked, a project keeps its last
 * known VMs, marked stale, instead of showing none.
 */
export function mergePass(state: Pick<AppState, 'projects' | 'duplicates'>, result: PassResult, options: { watched: string[]; memory: SyncMemory; all: boolean }): Pick<AppState, 'projects' | 'duplicates' | 'hypervisorError' | 'lastPassAt'> {
  const fresh = new Map(result.projects.map((p) => [p.configPath, p]));
  const merged = (c: string): ProjectView => {
    const previous = state.projects.find((p) => p.configPath === c);
    const now = fresh.get(c);
    if (!now) return previous ?? unloadedProject(c);
    // The worker marks the projects whose provider could not be asked; with several providers
    // in use, the others were asked and are current.
    const stale = now.error ? null : (now.stale ?? (result.hypervisorError && now.vms.length === 0 ? 'Showing what was last seen: the hypervisor could not be asked (the cause is above).' : null));
    if (stale) return previous && previous.vms.length > 0 ? { ...previous, name: now.name ?? previous.name, stale } : { ...now, stale, seenAt: null };
    return { ...withSyncs(now, options.memory, previous), seenAt: result.at };
  };
  return {
    projects: options.watched.map(merged),
    duplicates: options.all ? result.duplicates : state.duplicates,
    hypervisorError: result.hypervisorError,
    lastPassAt: result.at,
  };
}

/** The projects again with another set of muted checks (the user muted or unmuted one). */
export function remute(projects: ProjectView[], muted: readonly string[]): ProjectView[] {
  return projects.map((p) => ({ ...p, vms: p.vms.map((v) => ({ ...v, ...withMutes(v, muted) })) }));
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
