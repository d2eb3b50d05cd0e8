// `ragnatramp-tray`: the engine as a command-line tool. Parses arguments (grammar.ts), builds
// the engine's edges, runs one command (project-commands.ts, support-commands.ts,
// ssh-config-command.ts), and maps outcomes to exit codes: 0 success, 1 hypervisor or a VM
// failed (status: a VM needs attention; diagnose: a check failed; start, stop, restart: the
// hypervisor refused or the VM did not do it), 2 bad input, 3 a reconcile
// that synced no guest (every sync skipped).

import type { Project } from '../engine/config/load-project.js';
import { watchedKey } from '../engine/config/watched-project.js';
import { createEnvironment, type Environment } from '../engine/environment.js';
import { errorMessage, HypervisorError, InputError } from '../engine/errors.js';
import type { WaitOptions } from '../engine/inspect.js';
import { NO_LOG, openLog } from '../engine/log/log-file.js';
import { failedReconcileResult } from '../engine/reconcile.js';
import { VERSION } from '../engine/version.js';
import { parse, UsageError, type Args, type Info } from './grammar.js';
import { commandHelp, USAGE, usageError } from './help.js';
import { diagnoseCommand, fixKvpCommand, hostsCommand, powerCommand, reconcile, status } from './project-commands.js';
import { runSshConfigCommand } from './ssh-config-command.js';
import { inventoryCommand } from './inventory-command.js';
import { watchStatus, type WatchStop } from './watch-command.js';
import { runSupportCommand, SUPPORT_COMMANDS } from './support-commands.js';
import { commandProvider, loadProjectFor, readTraySettings } from './tray-settings.js';
import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import { safeText, terminalSafe } from './sanitize.js';

export { USAGE, VERSION };

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Builds the engine's edges; tests pass one that keeps a simulation alive across runs. */
  createEnvironment?: typeof createEnvironment;
  /** The tray's folder, for the log file; none: no log file. */
  logDir?: string;
  /** What ends `status --watch` (SIGINT, SIGTERM, a closed stdout); none: it watches until the process ends. */
  watchStop?: () => WatchStop;
}

export async function runCli(argv: string[], unsafeIo: CliIo): Promise<number> {
  // Server, guest and file text reaches the terminal by many paths (--verbose above all): one
  // guard where every one of them passes.
  const io = terminalSafe(unsafeIo);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if ((SUPPORT_COMMANDS as readonly string[]).includes(argv[0] ?? '') && !wantsHelp) return runSupportCommand(argv, io);
  if (argv[0] === 'ssh-config' && !wantsHelp) return runSshConfigCommand(argv, io);
  if (wantsHelp && argv[0] && commandHelp(argv[0])) {
    io.stdout(`${commandHelp(argv[0])}\n`);
    return 0;
  }
  let parsed: Args | Info;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr(usageError(errorMessage(err), err instanceof UsageError ? err.command : undefined));
    return 2;
  }
  if ('version' in parsed) {
    io.stdout(`ragnatramp-tray ${VERSION}\n`);
    return 0;
  }
  if ('help' in parsed) {
    io.stdout(`${(parsed.help && commandHelp(parsed.help)) || USAGE}\n`);
    return 0;
  }
  const args = parsed;
  let env: Environment | null = null;
  const firstUse: string[] = [];
  const log = io.logDir ? openLog({ dir: io.logDir, component: 'cli', mirror: args.verbose ? (line) => io.stderr(`${line}\n`) : undefined }) : NO_LOG;
  log.info('command', { command: args.command, configs: args.configs, simulate: args.simulate ?? null });
  try {
    const home = io.logDir ?? defaultTrayHome(io.env);
    // A project defined by its provider on the command line: its key stands where a config's path would.
    if (args.watched) args.configs = [watchedKey(args.watched)];
    // status, hosts and inventory without --config, like doctor: the projects the app watches.
    if (args.configs.length === 0) {
      const watched = (await readTraySettings(home)).projects;
      const problem = watched.length === 0 ? `${args.command} needs --config <ragnatramp.yaml> (the app watches no project yet)` : args.command === 'hosts' && watched.length > 1 ? `hosts takes one project and the app watches ${watched.length} (${watched.join(', ')}): name one with --config` : null;
      if (problem) {
        io.stderr(usageError(problem, args.command));
        return 2;
      }
      args.configs = watched;
    }
    const projects: Project[] = [];
    for (const c of args.configs) projects.push(await loadProjectFor(c, home, io.env, args.watched, !!io.logDir));
    // Without a provider on the command line, the one the app's settings give these projects.
    let chosen: Args;
    try {
      chosen = io.logDir ? await commandProvider(args, io.logDir, args.configs) : args;
    } catch (err) {
      io.stderr(usageError(errorMessage(err), args.command));
      return 2;
    }
    env = await (io.createEnvironment ?? createEnvironment)({
      simulate: chosen.simulate,
      provider: chosen.provider,
      manifest: chosen.manifest,
      quickemu: chosen.quickemu,
      libvirt: chosen.libvirt,
      proxmox: chosen.proxmox,
      proxmoxToken: chosen.proxmoxToken,
      log: args.verbose ? (line) => io.stderr(`${line}\n`) : undefined,
      logger: log,
      knownHostsFile: args.knownHosts,
      onFirstUse: (t, fp) => firstUse.push(`${t.machineName}: trusted its SSH host key on first use (${fp}).`),
      onNotice: (text) => io.stderr(`note: ${safeText(text)}\n`),
    });
    const a = args;
    // The simulator's guests live in this process only: say so, rather than let a second run
    // seem to have lost what the first wrote.
    if (env.simulator?.guests && (a.command === 'reconcile' || a.command === 'diagnose') && !a.json) io.stderr("note: simulated guests keep their /etc/hosts for this run only; each run starts from the scenario's files.\n");
    const wait: WaitOptions = { ...a.wait, onPass: a.json ? undefined : (pass, pending) => pass > 0 && io.stderr(`waiting for an IPv4 from ${pending.join(', ')} (pass ${pass + 1})…\n`) };
    switch (a.command) {
      case 'status':
        return await (a.watch ? watchStatus(env, projects, a, io) : status(env, projects, a, wait, io));
      case 'inventory':
        return await inventoryCommand(env, projects, a, wait, io);
      case 'diagnose':
        return await diagnoseCommand(env, projects[0]!, a, wait, io);
      case 'hosts':
        return await hostsCommand(env, projects[0]!, a, wait, io);
      case 'fix':
        return await fixKvpCommand(env, projects[0]!, a, wait, io);
      case 'start':
      case 'stop':
      case 'restart':
        return await powerCommand(env, projects[0]!, a, io);
      default:
        return await reconcile(env, projects[0]!, a, wait, io, firstUse, log);
    }
  } catch (err) {
    log.error('command failed', { command: args.command, error: errorMessage(err) });
    if (!(err instanceof InputError) && !(err instanceof HypervisorError)) throw err;
    const exitCode = err instanceof InputError ? 2 : 1;
    // With --json, stdout still carries one JSON object: reconcile's seed-shaped result, or
    // { error } for the others (on one line for status --watch, whose documents are lines).
    if (args.json) io.stdout(`${JSON.stringify(args.command === 'reconcile' && exitCode === 1 ? { ...failedReconcileResult(err), codedWarnings: [{ code: 'hypervisor-unavailable', text: errorMessage(err) }] } : { error: { message: err.message, exitCode } }, null, args.watch ? undefined : 2)}\n`);
    io.stderr(`${safeText(err.message)}\n`);
    return exitCode;
  } finally {
    await env?.dispose();
    await log.close();
  }
}
