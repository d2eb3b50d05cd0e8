// The commands that act on projects (status, diagnose, fix kvp, hosts, reconcile): each runs
// the engine and prints the plan's records as tables, or one JSON document with --json.

import type { Project } from '../engine/config/load-project.js';
import type { Environment } from '../engine/environment.js';
import { fixGuestKvp, inspectGuests, type GuestReport } from '../engine/guest-actions.js';
import { applyHostsBlockToFile } from '../engine/hosts/apply-to-file.js';
import { inspectProjects, projectPlanOf, type Inspection, type WaitOptions } from '../engine/inspect.js';
import { historyOf, type AddressHistory } from '../engine/history/address-history.js';
import { readHistory } from '../engine/history/history-file.js';
import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import type { Log } from '../engine/log/log-file.js';
import { logPass } from '../engine/log/log-pass.js';
import { toDiagnosticResult, type VmRecord } from '../engine/plan/vm-record.js';
import { hostsName, managedEntries, renderHostsBlock, type HostsEntry } from '../engine/hosts/hosts-block.js';
import { reconcileProject } from '../engine/reconcile.js';
import { powerVm } from '../engine/power-vm.js';
import type { PowerAction } from '../engine/discovery/provider.js';
import type { ReconcileResult } from '../engine/seed-types.js';
import type { CliIo } from './cli.js';
import { nameLabel } from '../engine/excerpt.js';
import { formatTable } from './format-table.js';
import type { Args } from './grammar.js';
import { safeText } from './sanitize.js';
import { printWarnings, reconcileTable, statusTable, vmWarnings } from './tables.js';
import { texts, warning, type Warning } from '../engine/warning.js';

/** Each warning's code beside its text, for --json: an added field next to seed 000's strings. */
export const coded = (warnings: readonly Warning[]) => warnings.map((w) => ({ code: w.code, text: w.text }));

/** status exits 1 when a VM needs attention: it has a warning (the table's "!" lines). */
export async function status(env: Environment, projects: Project[], a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, projects, wait);
  const exitCode = needsAttention(inspection) ? 1 : 0;
  if (a.json) {
    io.stdout(`${JSON.stringify(statusDocument(inspection, projects, await recordedHistory(io)), null, 2)}\n`);
    return exitCode;
  }
  io.stdout(statusText(inspection, projects));
  return exitCode;
}

export const needsAttention = (inspection: Inspection): boolean => inspection.plan.projects.some((plan) => plan.vms.some((r) => r.warnings.length > 0));

/**
 * The address history the app recorded (status writes nothing, so it only reads it); a file that
 * is not one is said on stderr, once per problem in `said` (a watch reads it at every pass).
 */
export async function recordedHistory(io: CliIo, said = new Set<string>()): Promise<AddressHistory> {
  const { history, problem } = await readHistory(io.logDir ?? defaultTrayHome(io.env));
  if (problem && !said.has(problem)) {
    said.add(problem);
    io.stderr(`note: ${safeText(problem)}; the app sets it aside at its next pass.\n`);
  }
  return history;
}

/**
 * status --json: per project each VM as seed 000's DiagnosticResult with what the tray adds
 * (codes, status, address, its address history…), the hosts block and the project's warnings;
 * then the duplicates. status --watch --json prints the same document.
 */
export function statusDocument(inspection: Inspection, projects: Project[], history: AddressHistory) {
  return {
    projects: projects.map((project) => {
      const plan = projectPlanOf(inspection, project.configPath);
      return {
        project: project.name,
        configPath: project.configPath,
        vms: plan.vms.map((r) => ({ ...toDiagnosticResult(r), codedWarnings: coded(r.warnings), status: r.status, vmState: r.vmState, ipv4: r.ipv4, network: r.observed, tier: r.tier, duplicateOf: r.duplicateOf.map((d) => d.machineName), history: historyOf(history, project.configPath, r.machineName) })),
        hostsBlock: plan.hostsBlock,
        warnings: texts(project.warnings),
        codedWarnings: coded(project.warnings),
      };
    }),
    duplicates: inspection.plan.duplicates,
  };
}

/** status's tables: per project its VMs and the warnings. */
export function statusText(inspection: Inspection, projects: Project[]): string {
  let out = '';
  for (const project of projects) {
    const plan = projectPlanOf(inspection, project.configPath);
    out += `${project.name}  (${project.configPath})\n${statusTable(plan.vms)}\n`;
    printWarnings((t) => (out += t), [...texts(project.warnings), ...vmWarnings(plan.vms)]);
  }
  return out;
}

/** diagnose exits 1 when a check failed: a VM or its guest has something to fix. */
export async function diagnoseCommand(env: Environment, project: Project, a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, [project], wait);
  const plan = projectPlanOf(inspection, project.configPath);
  const guests = await inspectGuests(env, plan, { concurrency: a.concurrency, timeoutMs: a.timeoutMs });
  const results = plan.vms.map((r) => ({ ...toDiagnosticResult(r), codedWarnings: coded(r.warnings), guest: guests.get(r.machineName) ?? ({ unavailable: 'not inspected' } as GuestReport) }));
  const guestWarnings = (g: GuestReport) => ('error' in g ? [`guest checks failed: ${g.error}`] : 'unavailable' in g ? [] : g.warnings);
  const problems = (r: (typeof results)[number]) => r.warnings.length + guestWarnings(r.guest).length;
  const exitCode = results.some((r) => problems(r) > 0) ? 1 : 0;
  if (a.json) {
    io.stdout(`${JSON.stringify({ project: project.name, configPath: project.configPath, vms: results }, null, 2)}\n`);
    return exitCode;
  }
  io.stdout(`${project.name}  (${project.configPath})\n`);
  const guestCell = (g: GuestReport) => ('error' in g ? 'unreachable' : 'unavailable' in g ? '-' : `${g.kvpDaemon ? `${g.kvpDaemon.running ? 'KVP daemon running' : g.kvpDaemon.installed ? 'KVP daemon stopped' : 'no KVP daemon'}, ` : ''}sudo ${g.sudo ? 'ok' : 'needs password'}, block ${g.hostsBlock === 'stale' ? 'out of date' : g.hostsBlock}`);
  const kvp = results.some((r) => r.kvpStatus) ? ['KVP'] : [];
  io.stdout(`${formatTable(['MACHINE', 'VM', ...kvp, 'SSH', 'GUEST', 'CHECKS'], results.map((r) => [r.machineName, r.vmName, ...(kvp.length > 0 ? [r.kvpStatus ?? '-'] : []), r.sshReachable === null ? '-' : r.sshReachable ? 'reachable' : 'no answer', guestCell(r.guest), problems(r) === 0 ? 'all good' : `${problems(r)} to fix`]))}\n`);
  printWarnings(io.stdout, results.flatMap((r) => [...r.warnings, ...guestWarnings(r.guest)].map((w) => `${r.machineName}: ${w}`)));
  for (const r of results) {
    if (!('kvpDaemon' in r.guest) || !r.guest.kvpDaemon || r.guest.kvpDaemon.fix.length === 0) continue;
    io.stdout(`  fix for ${r.machineName} (ragnatramp-tray fix kvp --config ${project.configPath} --machine ${r.machineName}):\n${r.guest.kvpDaemon.fix.map((c) => `    ${c}`).join('\n')}\n`);
  }
  return exitCode;
}

export async function fixKvpCommand(env: Environment, project: Project, a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, [project], wait);
  const outcome = await fixGuestKvp(env, projectPlanOf(inspection, project.configPath), a.machine!, {
    dryRun: a.dryRun,
    timeoutMs: a.timeoutMs * 15, // package installs take minutes, not seconds
    onStep: a.json ? undefined : (command) => io.stderr(`$ ${command}\n`),
  });
  if (a.json) {
    io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    return 'error' in outcome || !outcome.success ? 1 : 0;
  }
  if ('error' in outcome) {
    io.stderr(`${safeText(outcome.error)}\n`);
    return 1;
  }
  if (outcome.nothingToDo) {
    io.stdout(`${a.machine}: nothing to do: ${outcome.nothingToDo}\n`);
    return outcome.success ? 0 : 1;
  }
  if (outcome.dryRun) {
    io.stdout(`${a.machine}: these commands would run over SSH, in order, stopping at the first failure:\n${outcome.commands.map((c) => `  ${c}`).join('\n')}\n`);
    return 0;
  }
  const failed = outcome.steps.find((s) => s.code !== 0);
  if (failed) {
    io.stdout(safeText(`${a.machine}: '${failed.command}' failed (exit ${failed.code ?? 'unknown'}):\n${failed.output}\n`));
    return 1;
  }
  io.stdout(`${a.machine}: the KVP daemon is installed and running; Hyper-V reports the guest's IP from the next pass on.\n`);
  return 0;
}

/** start, stop, restart: the provider's own seam; 0 done (or already so), 1 the hypervisor or the VM failed. */
export async function powerCommand(env: Environment, project: Project, a: Args, io: CliIo): Promise<number> {
  const result = await powerVm(env.provider, project, a.machine!, a.command as PowerAction);
  if (a.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout(`${safeText(result.message)}\n`);
  return 0;
}

export async function hostsCommand(env: Environment, project: Project, a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, [project], wait);
  const projectPlan = projectPlanOf(inspection, project.configPath);
  const hostsWarnings = projectPlan.vms.flatMap((r) => r.warnings.filter((w) => w.code === 'duplicate-ip' || w.code === 'bad-hostname' || w.code === 'bad-alias').map((w) => ({ ...w, text: `${nameLabel(r.machineName)}: ${w.text}` })));
  const warnings = texts(hostsWarnings);
  let leftOut = leftOutOfBlock(projectPlan.vms, projectPlan.hostsEntries);
  let kept: KeptLine[] = [];
  // A file's block keeps the line of a VM whose address is unknown only this pass.
  const blockFor = (current: string) => {
    kept = keptLines(projectPlan.vms, projectPlan.hostsEntries, current);
    leftOut = leftOut.filter((l) => !kept.some((k) => k.machineName === l.machineName));
    return kept.length === 0 ? projectPlan.hostsBlock : renderHostsBlock([...projectPlan.hostsEntries, ...kept.map((k) => ({ ip: k.ip, name: k.machineName }))]);
  };
  const file = a.applyTo;
  const applied = file ? await applyHostsBlockToFile(file, blockFor) : null;
  if (a.json) {
    io.stdout(`${JSON.stringify({ project: project.name, configPath: project.configPath, hostsBlock: projectPlan.hostsBlock, entries: projectPlan.hostsEntries, ...(applied ? { applied: { file, ...applied, kept } } : {}), warnings, codedWarnings: coded(hostsWarnings), leftOut }, null, 2)}\n`);
    return 0;
  }
  if (!applied) io.stdout(projectPlan.hostsBlock);
  else io.stderr(applied.changed ? `updated ${file} (previous version kept as ${applied.backup})\n` : `${file} already holds the current block; nothing written\n`);
  // stdout carries only the block, so that `hosts > file` gives a clean file.
  for (const k of kept) io.stderr(safeText(`kept: ${nameLabel(k.machineName)} ${k.ip}: its address is unknown this pass, so its line stays (${k.from === 'file' ? `the one ${file} had` : "its last known address, from state.json"})\n`));
  for (const l of leftOut) io.stderr(safeText(`left out: ${nameLabel(l.machineName)}: ${l.reason}\n`));
  printWarnings(io.stderr, warnings);
  return 0;
}

export interface KeptLine {
  machineName: string;
  ip: string;
  /** Where the address comes from: the managed block of the file applied to, or state.json's last known one. */
  from: 'file' | 'state';
}

/**
 * The lines a file's block keeps for VMs that run but whose address no tier found this pass:
 * the line the file had, else state.json's last known address; never an address another VM
 * reports now (that VM wins, as the cached tier's rule says).
 */
export function keptLines(records: VmRecord[], entries: HostsEntry[], fileText: string): KeptLine[] {
  const inFile = managedEntries(fileText);
  const taken = new Set(entries.map((e) => e.ip));
  return records.flatMap((r): KeptLine[] => {
    const unknownNow = r.found && !r.ipv4 && r.status !== 'stopped' && !r.forward && r.duplicateOf.length === 0 && !r.warnings.some((w) => w.code === 'bad-hostname');
    if (!unknownNow || entries.some((e) => hostsName(e.name) === hostsName(r.machineName))) return [];
    const line = inFile.find((e) => hostsName(e.name) === hostsName(r.machineName));
    const kept: KeptLine | null = line ? { machineName: r.machineName, ip: line.ip, from: 'file' } : r.keptIpv4 ? { machineName: r.machineName, ip: r.keptIpv4, from: 'state' } : null;
    if (!kept || taken.has(kept.ip)) return [];
    taken.add(kept.ip);
    return [kept];
  });
}

/** The VMs the hosts block has no line for, each with why, read from its record. */
export function leftOutOfBlock(records: VmRecord[], entries: HostsEntry[]): Array<{ machineName: string; reason: string }> {
  return records.flatMap((r) => {
    const badName = r.warnings.find((w) => w.code === 'bad-hostname');
    if (entries.some((e) => e.name === r.machineName) && !badName) return [];
    const reason = badName
      ? 'its name cannot be a host name'
      : !r.found
        ? `not found in ${r.lookedIn}`
        : r.duplicateOf.length > 0
          ? `its IPv4 ${r.ipv4} is also ${r.duplicateOf.map((d) => d.machineName).join(', ')}'s`
          : r.status === 'stopped'
            ? `VM is ${r.vmState}`
            : r.forward
              ? `reached through a port forward (${r.forward.host}:${r.forward.port}), no address of its own`
              : 'no IPv4 address discovered yet';
    return [{ machineName: r.machineName, reason }];
  });
}

export async function reconcile(env: Environment, project: Project, a: Args, wait: WaitOptions, io: CliIo, firstUse: string[], log: Log): Promise<number> {
  const outcome = await reconcileProject(env, project, {
    ...wait,
    dryRun: a.dryRun,
    syncHosts: a.hosts,
    acceptHostKeys: { [project.configPath]: a.acceptHostKeys },
    sync: {
      concurrency: a.concurrency,
      timeoutMs: a.timeoutMs,
      onProgress: a.json ? undefined : (m, phase) => phase === 'writing' && io.stderr(`${m}: writing /etc/hosts…\n`),
    },
  });
  logPass(log, [outcome], a.hosts);
  const allWarnings = [...outcome.warnings, ...firstUse.map((t) => warning('host-key-pinned', t))];
  const result: ReconcileResult = { ...outcome.result, warnings: texts(allWarnings) };
  // Seed 000: skipped syncs are successes; the exit code still tells a script that no guest was synced.
  const noneSynced = a.hosts && !a.dryRun && result.hostsSyncResults.length > 0 && result.hostsSyncResults.every((r) => r.skipped);
  const exitCode = !result.success ? 1 : noneSynced ? EXIT_NONE_SYNCED : 0;
  if (a.json) {
    // Seed 000's shape, each warning's code in an added field beside the strings.
    const discoveries = result.discoveries.map((d) => ({ ...d, codedWarnings: coded(outcome.plan.vms.find((r) => r.machineName === d.machineName)?.warnings ?? []) }));
    io.stdout(`${JSON.stringify({ ...result, discoveries, codedWarnings: coded(allWarnings) }, null, 2)}\n`);
    return exitCode;
  }
  const synced = outcome.sync.filter((s) => s.success);
  const stateNote = a.dryRun ? 'dry run: nothing written' : outcome.stateError ? 'state.json NOT updated (see below)' : outcome.stateWritten ? `state.json updated (${result.diffs.length} change${result.diffs.length === 1 ? '' : 's'})` : 'state.json unchanged';
  const hostsNote = noneSynced ? `no guest's hosts synced: ${result.hostsSyncResults.map((r) => `${r.machineName} ${r.skipReason}`).join('; ')}` : `hosts synced on ${synced.length} of ${outcome.sync.length}`;
  io.stdout(safeText(`${project.name}: ${result.discoveries.length} VM${result.discoveries.length === 1 ? '' : 's'}, ${stateNote}, ${hostsNote}\n`));
  io.stdout(`${reconcileTable(outcome.plan.vms, result.hostsSyncResults, outcome.sync)}\n`);
  if (result.diffs.length > 0) {
    io.stdout(`  changes${a.dryRun ? ' (not written)' : ''}:\n`);
    for (const d of result.diffs) io.stdout(safeText(`    ${d.machineName} ${d.field}: ${d.oldValue ?? '(none)'} -> ${d.newValue ?? '(none)'}\n`));
  }
  printWarnings(io.stdout, result.warnings);
  return exitCode;
}

/** reconcile's exit code when it succeeded but every guest's sync was skipped (all stopped, duplicates…). */
export const EXIT_NONE_SYNCED = 3;
