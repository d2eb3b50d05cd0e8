// `ragnatramp-tray`: the engine as a command-line tool. Parses arguments, builds the engine's
// edges, runs one command, prints a compact table (or exactly one JSON document with --json),
// and maps outcomes to exit codes: 0 success, 1 hypervisor or a VM failed, 2 bad input.

import { parseArgs } from 'node:util';
import { loadProject, type Project } from '../engine/config/load-project.js';
import { createEnvironment, type Environment } from '../engine/environment.js';
import { failedReconcileResult, fixGuestKvp, inspectGuests, inspectProjects, reconcileProject, type GuestReport, type WaitOptions } from '../engine/reconcile.js';
import { errorMessage, HypervisorError, InputError } from '../engine/errors.js';
import { NO_LOG, openLog, type Log } from '../engine/log/log-file.js';
import { logPass } from '../engine/log/log-pass.js';
import { runSupportCommand, SUPPORT_COMMANDS } from './support-commands.js';
import { runSshConfigCommand } from './ssh-config-command.js';
import { VERSION } from '../engine/version.js';

export { VERSION };
import { applyHostsBlockToFile } from '../engine/hosts/apply-to-file.js';
import { displayMac } from '../engine/discovery/net-address.js';
import type { ReconcileResult } from '../engine/types.js';
import { formatTable } from './format-table.js';
import { safeText } from './sanitize.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Builds the engine's edges; tests pass one that keeps a simulation alive across runs. */
  createEnvironment?: typeof createEnvironment;
  /** The tray's folder, for the log file; none: no log file. */
  logDir?: string;
}

export const USAGE = `Usage: ragnatramp-tray <command> --config <ragnatramp.yaml> [options]

Commands:
  status     discovery and diagnostics for one or more projects; writes nothing
  reconcile  discover IPs, record them in state.json, sync every guest's /etc/hosts
  diagnose   KVP, SSH and configuration checks with the commands that fix them
  hosts      print the managed hosts block (or merge it into a file with --apply-to)
  fix kvp    install and start a guest's Hyper-V KVP daemon over SSH (--machine; --dry-run
             prints the exact commands)
  doctor     check every step of a pass on this PC, one by one, with the fix for each
             (--config optional: the app's projects by default)
  support-bundle  write one zip for a bug report: log, versions, settings, projects (--out)
  ssh-config print the OpenSSH config for the project's VMs; --write installs it so that
             'ssh <machine>' works from this host (an Include line in ~/.ssh/config)

Options:
  --config <yaml>          a project's ragnatramp.yaml (status takes several)
  --json                   print one JSON document on stdout and nothing else
  --simulate <scenario>    answer from a Hyper-V simulation scenario instead of PowerShell
  --provider <name>        hyperv (default on Windows) or linux (default elsewhere)
  --manifest <file>        Linux provider: the VMs, MACs and lease files to use
  --verbose                print each PowerShell invocation to stderr
  --wait <s>               poll running VMs without an IPv4 for up to s seconds
                           (reconcile: 60, others: 0)
  --poll <s>               seconds between those polls (3)
  --dry-run                reconcile: plan and show, write nothing
  --no-hosts               reconcile: record IPs but do not touch any /etc/hosts
  --concurrency <n>        reconcile: guests synced at once (8)
  --timeout <s>            reconcile: deadline per guest (20)
  --accept-host-key <m>    reconcile: trust machine m's new SSH host key (after a rebuild)
  --known-hosts <file>     where pinned SSH host keys live
  --apply-to <file>        hosts: merge the block into this file, keeping a .ragnatramp.bak
  --machine <name>         fix kvp: the machine to fix
  --help, --version

Exit codes: 0 success, 1 the hypervisor could not be queried or a VM failed, 2 bad input.`;

const COMMANDS = ['status', 'reconcile', 'diagnose', 'hosts', 'fix'] as const;
type Command = (typeof COMMANDS)[number];

class UsageError extends Error {}

interface Args {
  command: Command;
  configs: string[];
  json: boolean;
  simulate?: string;
  provider?: 'hyperv' | 'linux';
  manifest?: string;
  verbose: boolean;
  wait: WaitOptions;
  dryRun: boolean;
  hosts: boolean;
  concurrency: number;
  timeoutMs: number;
  acceptHostKeys: string[];
  knownHosts?: string;
  applyTo?: string;
  machine?: string;
}

function seconds(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number of seconds ≥ ${min} (got ${JSON.stringify(raw)})`);
  return n;
}

function parse(argv: string[]): Args | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        simulate: { type: 'string' },
        provider: { type: 'string' },
        manifest: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        wait: { type: 'string' },
        poll: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'no-hosts': { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        'accept-host-key': { type: 'string', multiple: true },
        'known-hosts': { type: 'string' },
        'apply-to': { type: 'string' },
        machine: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return 'help';
  if (v.version) return 'version';
  const command = positionals[0] as Command | undefined;
  if (!command) throw new UsageError('no command given');
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command '${command}'`);
  const extra = command === 'fix' ? 2 : 1;
  if (command === 'fix' && positionals[1] !== 'kvp') throw new UsageError(`fix knows one repair: 'fix kvp' (got ${positionals[1] ? `'${positionals[1]}'` : 'nothing'})`);
  if (command === 'fix' && !v.machine) throw new UsageError('fix kvp needs --machine <name>');
  if (positionals.length > extra) throw new UsageError(`unexpected argument '${positionals[extra]}'`);
  const configs = v.config ?? [];
  if (configs.length === 0) throw new UsageError(`${command} needs --config <ragnatramp.yaml>`);
  if (command !== 'status' && configs.length > 1) throw new UsageError(`${command} takes one --config; status takes several`);
  const onlyFor = (flag: string, allowed: Command, set: boolean) => {
    if (set && command !== allowed) throw new UsageError(`--${flag} applies to ${allowed} only`);
  };
  if (v['dry-run'] && command !== 'reconcile' && command !== 'fix') throw new UsageError('--dry-run applies to reconcile and fix kvp only');
  onlyFor('no-hosts', 'reconcile', v['no-hosts']);
  onlyFor('accept-host-key', 'reconcile', !!v['accept-host-key']);
  onlyFor('concurrency', 'reconcile', v.concurrency !== undefined);
  if (v.timeout !== undefined && !['reconcile', 'diagnose', 'fix'].includes(command)) throw new UsageError('--timeout applies to reconcile, diagnose and fix kvp only');
  onlyFor('machine', 'fix', v.machine !== undefined);
  onlyFor('apply-to', 'hosts', v['apply-to'] !== undefined);
  if (v.provider !== undefined && v.provider !== 'hyperv' && v.provider !== 'linux') throw new UsageError(`--provider must be hyperv or linux (got '${v.provider}')`);
  const concurrency = seconds('concurrency', v.concurrency, 8, 1);
  if (!Number.isInteger(concurrency)) throw new UsageError('--concurrency must be a whole number ≥ 1');
  return {
    command,
    configs,
    json: v.json,
    simulate: v.simulate,
    provider: v.provider as Args['provider'],
    manifest: v.manifest,
    verbose: v.verbose,
    wait: { waitMs: seconds('wait', v.wait, command === 'reconcile' ? 60 : 0, 0) * 1000, pollMs: seconds('poll', v.poll, 3, 0.1) * 1000 },
    dryRun: v['dry-run'],
    hosts: !v['no-hosts'],
    concurrency,
    timeoutMs: seconds('timeout', v.timeout, 20, 1) * 1000,
    acceptHostKeys: v['accept-host-key'] ?? [],
    knownHosts: v['known-hosts'],
    applyTo: v['apply-to'],
    machine: v.machine,
  };
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if ((SUPPORT_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return runSupportCommand(argv, io);
  if (argv[0] === 'ssh-config') return runSshConfigCommand(argv, io);
  let args: Args | 'help' | 'version';
  try {
    args = parse(argv);
  } catch (err) {
    io.stderr(`ragnatramp-tray: ${errorMessage(err)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (args === 'version') {
    io.stdout(`ragnatramp-tray ${VERSION}\n`);
    return 0;
  }
  let env: Environment | null = null;
  const firstUse: string[] = [];
  const log = io.logDir ? openLog({ dir: io.logDir, component: 'cli', mirror: args.verbose ? (line) => io.stderr(`${line}\n`) : undefined }) : NO_LOG;
  log.info('command', { command: args.command, configs: args.configs, simulate: args.simulate ?? null });
  try {
    const projects: Project[] = [];
    for (const c of args.configs) projects.push(await loadProject(c, io.env));
    env = await (io.createEnvironment ?? createEnvironment)({
      simulate: args.simulate,
      provider: args.provider,
      manifest: args.manifest,
      log: args.verbose ? (line) => io.stderr(`${line}\n`) : undefined,
      logger: log,
      knownHostsFile: args.knownHosts,
      onFirstUse: (t, fp) => firstUse.push(`${t.machineName}: trusted its SSH host key on first use (${fp}).`),
    });
    const a = args;
    const wait: WaitOptions = { ...a.wait, onPass: a.json ? undefined : (pass, pending) => pass > 0 && io.stderr(`waiting for an IPv4 from ${pending.join(', ')} (pass ${pass + 1})…\n`) };
    switch (a.command) {
      case 'status':
        return await status(env, projects, a, wait, io);
      case 'diagnose':
        return await diagnoseCommand(env, projects[0]!, a, wait, io);
      case 'hosts':
        return await hostsCommand(env, projects[0]!, a, wait, io);
      case 'fix':
        return await fixKvpCommand(env, projects[0]!, a, wait, io);
      default:
        return await reconcile(env, projects[0]!, a, wait, io, firstUse, log);
    }
  } catch (err) {
    log.error('command failed', { command: args.command, error: errorMessage(err) });
    if (err instanceof InputError) {
      io.stderr(`${safeText(err.message)}\n`);
      return 2;
    }
    if (err instanceof HypervisorError) {
      if (args.json && args.command === 'reconcile') io.stdout(`${JSON.stringify(failedReconcileResult(err), null, 2)}\n`);
      io.stderr(`${safeText(err.message)}\n`);
      return 1;
    }
    throw err;
  } finally {
    await env?.dispose();
    await log.close();
  }
}


const TIER_LABEL: Record<string, string> = { kvp: 'KVP', arp: 'ARP', lease: 'lease' };

async function status(env: Environment, projects: Project[], a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, projects, wait);
  const report = projects.map((p, i) => {
    const facts = inspection.facts[i]!;
    const projectPlan = inspection.plan.projects.find((pp) => pp.configPath === p.configPath)!;
    const diagnostics = inspection.diagnostics.get(p.configPath)!;
    return {
      project: p.name,
      configPath: p.configPath,
      vms: facts.observations.map((o, j) => ({
        machineName: o.ref.machineName,
        vmName: o.ref.vmName,
        status: projectPlan.vms.find((v) => v.machineName === o.ref.machineName)!.status,
        vmState: o.discovery.vmState,
        network: o.discovery.network,
        tier: o.discovery.tier,
        kvpStatus: diagnostics[j]!.kvpStatus,
        sshReachable: diagnostics[j]!.sshReachable,
        warnings: diagnostics[j]!.warnings,
      })),
      hostsBlock: projectPlan.hostsBlock,
      warnings: [...p.warnings, ...projectPlan.warnings],
    };
  });
  if (a.json) {
    io.stdout(`${JSON.stringify({ projects: report, duplicates: inspection.plan.duplicates }, null, 2)}\n`);
    return 0;
  }
  for (const p of report) {
    io.stdout(`${p.project}  (${p.configPath})\n`);
    io.stdout(`${formatTable(['MACHINE', 'STATUS', 'IPv4', 'SOURCE', 'MAC', 'KVP', 'SSH'], p.vms.map((v) => [v.machineName, v.status, v.network?.ipv4 ?? '-', v.tier ? TIER_LABEL[v.tier]! : '-', displayMac(v.network?.mac ?? null) || '-', v.kvpStatus, v.sshReachable === null ? '-' : v.sshReachable ? 'open' : 'closed']))}\n`);
    printWarnings(io, [...p.warnings, ...p.vms.flatMap((v) => v.warnings.map((w) => `${v.machineName}: ${w}`))]);
  }
  return 0;
}

async function diagnoseCommand(env: Environment, project: Project, a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, [project], wait);
  const guests = await inspectGuests(env, inspection.plan.projects[0]!, { concurrency: a.concurrency, timeoutMs: a.timeoutMs });
  const results = inspection.diagnostics.get(project.configPath)!.map((r) => ({ ...r, guest: guests.get(r.machineName) ?? { unavailable: 'not inspected' } }));
  if (a.json) {
    io.stdout(`${JSON.stringify(results, null, 2)}\n`);
    return 0;
  }
  io.stdout(`${project.name}  (${project.configPath})\n`);
  const guestCell = (g: GuestReport) => ('error' in g ? 'unreachable' : 'unavailable' in g ? '-' : `${g.kvpDaemon.running ? 'KVP daemon running' : g.kvpDaemon.installed ? 'KVP daemon stopped' : 'no KVP daemon'}, sudo ${g.sudo ? 'ok' : 'needs password'}, block ${g.hostsBlock}`);
  const guestWarnings = (g: GuestReport) => ('error' in g ? [`guest checks failed: ${g.error}`] : 'unavailable' in g ? [] : g.warnings);
  const problems = (r: (typeof results)[number]) => r.warnings.length + guestWarnings(r.guest).length;
  io.stdout(`${formatTable(['MACHINE', 'VM', 'KVP', 'SSH', 'GUEST', 'CHECKS'], results.map((r) => [r.machineName, r.vmName, r.kvpStatus, r.sshReachable === null ? '-' : r.sshReachable ? 'reachable' : 'no answer', guestCell(r.guest), problems(r) === 0 ? 'all good' : `${problems(r)} to fix`]))}\n`);
  printWarnings(io, results.flatMap((r) => [...r.warnings, ...guestWarnings(r.guest)].map((w) => `${r.machineName}: ${w}`)));
  for (const r of results) {
    if (!('kvpDaemon' in r.guest) || r.guest.kvpDaemon.fix.length === 0) continue;
    io.stdout(`  fix for ${r.machineName} (ragnatramp-tray fix kvp --config ${project.configPath} --machine ${r.machineName}):\n${r.guest.kvpDaemon.fix.map((c) => `    ${c}`).join('\n')}\n`);
  }
  return 0;
}

async function fixKvpCommand(env: Environment, project: Project, a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, [project], wait);
  const outcome = await fixGuestKvp(env, inspection.plan.projects[0]!, a.machine!, {
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

async function hostsCommand(env: Environment, project: Project, a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, [project], wait);
  const projectPlan = inspection.plan.projects[0]!;
  if (!a.applyTo) {
    io.stdout(projectPlan.hostsBlock);
  } else {
    const outcome = await applyHostsBlockToFile(a.applyTo, projectPlan.hostsBlock);
    io.stderr(outcome.changed ? `updated ${a.applyTo} (previous version kept as ${outcome.backup})\n` : `${a.applyTo} already holds the current block; nothing written\n`);
  }
  // stdout carries only the block, so that `hosts > file` gives a clean file.
  printWarnings({ ...io, stdout: io.stderr }, projectPlan.warnings);
  return 0;
}

async function reconcile(env: Environment, project: Project, a: Args, wait: WaitOptions, io: CliIo, firstUse: string[], log: Log): Promise<number> {
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
  const result: ReconcileResult = { ...outcome.result, warnings: [...outcome.result.warnings, ...firstUse] };
  if (a.json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return result.success ? 0 : 1;
  }
  const synced = outcome.sync.filter((s) => s.success);
  const stateNote = a.dryRun ? 'dry run: nothing written' : outcome.stateError ? 'state.json NOT updated (see below)' : outcome.stateWritten ? `state.json updated (${result.diffs.length} change${result.diffs.length === 1 ? '' : 's'})` : 'state.json unchanged';
  io.stdout(`${project.name}: ${result.discoveries.length} VM${result.discoveries.length === 1 ? '' : 's'}, ${stateNote}, hosts synced on ${synced.length} of ${outcome.sync.length}\n`);
  io.stdout(`${formatTable(['MACHINE', 'STATUS', 'IPv4', 'SOURCE', 'HOSTS'], outcome.plan.vms.map((v) => {
    const d = result.discoveries.find((x) => x.machineName === v.machineName)!;
    const r = result.hostsSyncResults.find((x) => x.machineName === v.machineName)!;
    const s = outcome.sync.find((x) => x.machineName === v.machineName);
    const hosts = r.skipped ? `skipped: ${r.skipReason}` : r.success ? (s?.changed ? 'updated' : 'already current') : `FAILED: ${r.error}`;
    return [v.machineName, v.status, d.network?.ipv4 ?? '-', d.tier ? TIER_LABEL[d.tier]! : '-', hosts];
  }))}\n`);
  if (result.diffs.length > 0) {
    io.stdout(`  changes${a.dryRun ? ' (not written)' : ''}:\n`);
    for (const d of result.diffs) io.stdout(safeText(`    ${d.machineName} ${d.field}: ${d.oldValue ?? '(none)'} -> ${d.newValue ?? '(none)'}\n`));
  }
  printWarnings(io, result.warnings);
  return result.success ? 0 : 1;
}

function printWarnings(io: CliIo, warnings: string[]): void {
  if (warnings.length === 0) return;
  io.stdout(`  warnings:\n${warnings.map((w) => safeText(`  ! ${w}`)).join('\n')}\n`);
}
