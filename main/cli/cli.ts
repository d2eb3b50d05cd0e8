// `ragnatramp-tray`: the engine as a command-line tool. Parses arguments (grammar.ts), builds
// the engine's edges, runs one command (project-commands.ts, support-commands.ts,
// ssh-config-command.ts), and maps outcomes to exit codes: 0 success, 1 hypervisor or a VM
// failed, 2 bad input.

import { loadProject, type Project } from '../engine/config/load-project.js';
import { createEnvironment, type Environment } from '../engine/environment.js';
import { errorMessage, HypervisorError, InputError } from '../engine/errors.js';
import type { WaitOptions } from '../engine/inspect.js';
import { NO_LOG, openLog } from '../engine/log/log-file.js';
import { failedReconcileResult } from '../engine/reconcile.js';
import { VERSION } from '../engine/version.js';
import { parse, USAGE, type Args } from './grammar.js';
import { diagnoseCommand, fixKvpCommand, hostsCommand, reconcile, status } from './project-commands.js';
import { runSshConfigCommand } from './ssh-config-command.js';
import { runSupportCommand, SUPPORT_COMMANDS } from './support-commands.js';
import { safeText } from './sanitize.js';

export { USAGE, VERSION };

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Builds the engine's edges; tests pass one that keeps a simulation alive across runs. */
  createEnvironment?: typeof createEnvironment;
  /** The tray's folder, for the log file; none: no log file. */
  logDir?: string;
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
