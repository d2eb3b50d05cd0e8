// The imperative shell around the pure planner: observe (with the DHCP wait), probe SSH ports,
// plan, then (for reconcile) write state.json and sync hosts files. Every effect goes through
// the injected provider, probe and SSH connector; time through `now` and `sleep`.

import pLimit from 'p-limit';
import type { Project } from './config/load-project.js';
import { diagnose } from './diagnostics/diagnose.js';
import { errorMessage } from './errors.js';
import type { DiscoveryProvider } from './discovery/provider.js';
import type { PortProbe } from './discovery/port-probe.js';
import { plan, type DuplicateGroup, type Plan, type ProjectFacts, type ProjectPlan } from './plan/plan.js';
import { isActive } from './plan/vm-status.js';
import { writeNetworkStates } from './state/state-file.js';
import { syncHostsFiles, type HostsMemory, type SyncOptions, type SyncOutcome } from './ssh/sync-hosts.js';
import type { SshConnector } from './ssh/ssh-session.js';
import type { HostKeyStore } from './ssh/known-hosts.js';
import { InputError } from './errors.js';
import type { DiagnosticResult, HostsSyncResult, ReconcileResult, VmObservation, VmRef } from './types.js';
import { fixKvp, inspectGuest, type GuestDiagnostic, type KvpFixOutcome } from './diagnostics/guest-checks.js';

export interface EngineDeps {
  provider: DiscoveryProvider;
  probe: PortProbe;
  connector: SshConnector;
  /** Needed only to accept changed host keys (`acceptHostKeys`). */
  hostKeys?: HostKeyStore;
  /** A long-running engine's memory of guests' /etc/hosts: one exec per changed guest. */
  hostsMemory?: HostsMemory;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface WaitOptions {
  /** How long to keep polling running VMs that have no IPv4 yet (0: one pass only). */
  waitMs: number;
  pollMs: number;
  onPass?: (pass: number, pending: string[]) => void;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const needsWait = (o: VmObservation) => o.found && o.discovery.vmState === 'Running' && !o.discovery.network?.ipv4 && !!o.discovery.network;

/**
 * One discovery pass over all VMs, then more passes (each a single provider call) for running
 * VMs without an IPv4, every pollMs until waitMs has passed. Off and Saved VMs are not waited for.
 */
export async function observeWithWait(deps: EngineDeps, refs: VmRef[], wait: WaitOptions): Promise<VmObservation[]> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const start = now().getTime();
  // Keyed by the ref objects themselves: two projects may share a name.
  const results = new Map<VmRef, VmObservation>();
  let pass = 0;
  let pending = refs;
  for (;;) {
    wait.onPass?.(pass, pending.map((r) => r.machineName));
    for (const o of await deps.provider.observe(pending, now().toISOString())) results.set(o.ref, o);
    pass++;
    pending = refs.filter((r) => needsWait(results.get(r)!));
    const left = start + wait.waitMs - now().getTime();
    if (pending.length === 0 || left <= 0) break;
    await sleep(Math.min(wait.pollMs, left));
  }
  return refs.map((r) => results.get(r)!);
}

/**
 * A guest renumbered by DHCP leaves its old neighbour entry behind, as fresh as the new one:
 * when the ARP tier found several IPv4s for one MAC, the one that answers on port 22 is the
 * guest's. If none or several answer, the tier's own choice (and its warning) stands.
 */
async function disambiguateArp(deps: EngineDeps, observations: VmObservation[]): Promise<VmObservation[]> {
  return Promise.all(
    observations.map(async (o) => {
      const candidates = o.arpCandidates;
      if (!candidates || !o.discovery.network) return o;
      const answering = (await Promise.all(candidates.map(async (ip) => ((await deps.probe(ip, 22)) ? [ip] : [])))).flat();
      if (answering.length !== 1) return o;
      const chosen = answering[0]!;
      const others = candidates.filter((ip) => ip !== chosen);
      const warnings = o.discovery.warnings.map((w) => (w.includes('several IPv4 addresses for MAC') ? `${w.slice(0, w.indexOf(': using'))}: using ${chosen}, the only one answering on port 22, passing over ${others.join(', ')}.` : w));
      return { ...o, discovery: { ...o.discovery, network: { ...o.discovery.network, ipv4: chosen }, warnings } };
    }),
  );
}

async function probeSsh(deps: EngineDeps, observations: VmObservation[]): Promise<Map<VmRef, boolean | null>> {
  const limit = pLimit(32);
  const entries = await Promise.all(
    observations.map((o) =>
      limit(async (): Promise<[VmRef, boolean | null]> => {
        const ip = o.found && isActive(o.discovery.vmState) ? o.discovery.network?.ipv4 : null;
        return [o.ref, ip ? await deps.probe(ip, 22) : null];
      }),
    ),
  );
  return new Map(entries);
}

export interface Inspection {
  plan: Plan;
  facts: ProjectFacts[];
  diagnostics: Map<string, DiagnosticResult[]>;
}

/** Discovery, SSH probes, diagnostics and the plan for several projects; writes nothing. */
export async function inspectProjects(deps: EngineDeps, projects: Project[], wait: WaitOptions, syncHosts = true): Promise<Inspection> {
  const refs = projects.flatMap((p) => p.vms);
  const observations = await disambiguateArp(deps, await observeWithWait(deps, refs, wait));
  const open = await probeSsh(deps, observations);
  const facts: ProjectFacts[] = projects.map((p) => {
    const mine = observations.filter((o) => p.vms.includes(o.ref));
    return {
      name: p.name,
      configPath: p.configPath,
      machines: p.machines,
      state: p.state,
      observations: mine,
      sshOpen: Object.fromEntries(mine.map((o) => [o.ref.machineName, open.get(o.ref) ?? null])),
    };
  });
  const diagnostics = new Map(
    projects.map((p, i) => [
      p.configPath,
      facts[i]!.observations.map((o) => diagnose(o, facts[i]!.sshOpen[o.ref.machineName] ?? null, p.machines.find((m) => m.name === o.ref.machineName), p.configPath)),
    ]),
  );
  return { plan: plan({ projects: facts, now: (deps.now ?? (() => new Date()))().toISOString(), syncHosts }), facts, diagnostics };
}

export interface ReconcileOptions extends WaitOptions {
  dryRun: boolean;
  syncHosts: boolean;
  sync: SyncOptions;
  /**
   * Per config path, the machines whose pinned SSH host key is dropped before syncing, so the
   * key they offer now is trusted.
   */
  acceptHostKeys?: Record<string, string[]>;
  /** Per-VM sync progress, with the project it belongs to (machine names repeat across projects). */
  onProgress?: (configPath: string, machineName: string, phase: string) => void;
}

export interface ReconcileOutcome {
  result: ReconcileResult;
  plan: ProjectPlan;
  facts: ProjectFacts;
  diagnostics: DiagnosticResult[];
  sync: SyncOutcome[];
  stateWritten: boolean;
  /** Why state.json could not be written (the guests were synced all the same). */
  stateError: string | null;
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
      throw new InputError(project.configPath, [{ field: null, problem: `has no machine named ${unknown.map((m) => `'${m}'`).join(', ')}` }], 'Check the names given to --accept-host-key.');
    }
  }
  const inspection = await inspectProjects(deps, projects, options, options.syncHosts);
  const outcomes: ReconcileOutcome[] = [];
  for (const [i, project] of projects.entries()) {
    const facts = inspection.facts[i]!;
    const projectPlan = inspection.plan.projects.find((pp) => pp.configPath === project.configPath)!;
    outcomes.push(await applyProjectPlan(deps, project, facts, projectPlan, inspection.diagnostics.get(project.configPath)!, options));
  }
  return { outcomes, duplicates: inspection.plan.duplicates };
}

async function applyProjectPlan(deps: EngineDeps, project: Project, facts: ProjectFacts, projectPlan: ProjectPlan, diagnostics: DiagnosticResult[], options: ReconcileOptions): Promise<ReconcileOutcome> {
  const warnings = [...project.warnings, ...projectPlan.warnings];
  for (const o of facts.observations) for (const w of o.discovery.warnings) warnings.push(`${o.ref.machineName}: ${w}`);

  let stateWritten = false;
  let stateError: string | null = null;
  if (!options.dryRun && projectPlan.networkUpdates.length > 0) {
    // A state.json the tray cannot write must not keep the guests from their hosts sync.
    try {
      const outcome = await writeNetworkStates(project.statePath, projectPlan.networkUpdates);
      stateWritten = outcome.written;
      for (const m of outcome.dropped) warnings.push(`${m}: left state.json while reconciling (Ragnatramp removed or recreated it); its network was not recorded.`);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      stateError = err.message;
      warnings.push(err.message);
    }
  }

  for (const d of projectPlan.sync) {
    if (d.action === 'sync' && options.acceptHostKeys?.[project.configPath]?.includes(d.machineName) && !options.dryRun) {
      if (await deps.hostKeys?.forget(d.target.hostKeyAlias)) warnings.push(`${d.machineName}: its previous SSH host key was forgotten (--accept-host-key); the key it offers now is trusted.`);
    }
  }
  const tasks = projectPlan.sync.flatMap((d) => (d.action === 'sync' ? [{ target: d.target, block: projectPlan.hostsBlock }] : []));
  const onProgress = options.onProgress;
  const sync = { ...options.sync, memory: options.sync.memory ?? deps.hostsMemory, ...(onProgress ? { onProgress: (m: string, phase: string) => onProgress(project.configPath, m, phase) } : {}) };
  const synced = options.dryRun ? [] : await syncHostsFiles(tasks, deps.connector, sync);
  const hostsSyncResults: HostsSyncResult[] = projectPlan.sync.map((d) => {
    if (d.action === 'skip') return { machineName: d.machineName, success: true, skipped: true, skipReason: d.reason };
    if (options.dryRun) return { machineName: d.machineName, success: true, skipped: true, skipReason: `dry run: would sync /etc/hosts at ${d.target.host}` };
    const s = synced.find((r) => r.machineName === d.machineName)!;
    return { machineName: s.machineName, success: s.success, skipped: false, ...(s.error ? { error: s.error } : {}) };
  });
  for (const r of hostsSyncResults) if (r.error) warnings.push(`${r.machineName}: hosts sync failed: ${r.error}`);

  const result: ReconcileResult = {
    success: stateError === null && hostsSyncResults.every((r) => r.success),
    discoveries: facts.observations.map((o) => o.discovery),
    diffs: projectPlan.diffs,
    hostsSyncResults,
    hostsBlock: projectPlan.hostsBlock,
    warnings,
  };
  return { result, plan: projectPlan, facts, diagnostics, sync: synced, stateWritten, stateError };
}

/** A ReconcileResult for a pass that could not query the hypervisor at all. */
export function failedReconcileResult(err: unknown): ReconcileResult {
  return { success: false, discoveries: [], diffs: [], hostsSyncResults: [], hostsBlock: '', warnings: [errorMessage(err)] };
}

export type GuestReport = GuestDiagnostic | { error: string } | { unavailable: string };

/** Guest-side checks over SSH for every VM the plan could sync; the others say why not. */
export async function inspectGuests(deps: EngineDeps, projectPlan: ProjectPlan, options: { concurrency: number; timeoutMs: number }): Promise<Map<string, GuestReport>> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const entries = await Promise.all(
    projectPlan.sync.map((d) =>
      limit(async (): Promise<[string, GuestReport]> => [d.machineName, d.action === 'skip' ? { unavailable: d.reason } : await inspectGuest(deps.connector, d.target, projectPlan.hostsBlock, options.timeoutMs)]),
    ),
  );
  return new Map(entries);
}

/** `fix kvp` for one machine of an inspected project. */
export async function fixGuestKvp(deps: EngineDeps, projectPlan: ProjectPlan, machineName: string, options: { dryRun: boolean; timeoutMs: number; onStep?: (command: string) => void }): Promise<KvpFixOutcome | { error: string }> {
  const decision = projectPlan.sync.find((d) => d.machineName === machineName);
  if (!decision) throw new InputError(projectPlan.configPath, [{ field: null, problem: `has no machine named '${machineName}'` }], 'Check the name given to --machine.');
  if (decision.action === 'skip') return { error: `cannot reach '${machineName}' over SSH: ${decision.reason}` };
  return fixKvp(deps.connector, decision.target, options);
}
