// `ragnatramp-tray ssh-config`: the OpenSSH client config for a project's VMs. Without --write it
// prints it; with --write (the user's consent) it writes the tray's config and known_hosts and
// adds the marked Include to ~/.ssh/config, so that `ssh web` works from the host.

import path from 'node:path';
import { watchedKey, type WatchedDefinition } from '../engine/config/watched-project.js';
import { inspectProjects } from '../engine/inspect.js';
import { PROVIDER_ARGS, providerArgs } from '../engine/providers/provider-args.js';
import { createEnvironment } from '../engine/environment.js';
import { errorMessage, HypervisorError, InputError } from '../engine/errors.js';
import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import { leftToUserNotice, renderSshClientConfig, type LeftToUser, type RefusedEntry, type RenderedSshConfig, type SshHostEntry } from '../engine/ssh/ssh-client-config.js';
import type { ProjectPlan } from '../engine/plan/plan.js';
import { OwnershipError } from '../engine/atomic-file.js';
import { planMachines, sshEntries, userNames, userSshConfigPath, writeSshConfig } from '../engine/ssh/write-ssh-config.js';
import type { CliIo } from './cli.js';
import { safeInline, safeText } from './sanitize.js';
import { parseOptions } from './grammar.js';
import { usageError } from './help.js';
import { commandProvider, loadProjectFor } from './tray-settings.js';
import { WATCHED_ARGS, watchedFromArgs } from './watched-args.js';

export async function runSshConfigCommand(argv: string[], io: CliIo): Promise<number> {
  let values: { pool?: string; tag?: string; 'ssh-user'?: string; 'ssh-key'?: string; config?: string[]; write?: boolean; json?: boolean; 'user-config'?: string; 'known-hosts'?: string; simulate?: string; provider?: string; manifest?: string; quickemu?: string; libvirt?: string; proxmox?: string; 'proxmox-token'?: string };
  let chosen: ReturnType<typeof providerArgs>;
  let watched: WatchedDefinition | null = null;
  try {
    ({ values } = parseOptions(argv.slice(1), { config: { type: 'string', multiple: true }, write: { type: 'boolean' }, json: { type: 'boolean' }, 'user-config': { type: 'string' }, ...PROVIDER_ARGS, ...WATCHED_ARGS, 'known-hosts': { type: 'string' } }, 'ssh-config'));
    const given = providerArgs(values);
    watched = watchedFromArgs(values, given, values.config ?? []);
    if (watched) values.config = [watchedKey(watched)];
    if (!values.config?.length) throw new Error("ssh-config needs --config <ragnatramp.yaml>, or a project's provider (--quickemu, --libvirt or --proxmox)");
    if (values['user-config'] && !values.write) throw new Error('--user-config applies with --write only');
    chosen = await commandProvider(given, io.logDir ?? defaultTrayHome(io.env), values.config);
  } catch (err) {
    io.stderr(usageError(errorMessage(err), 'ssh-config'));
    return 2;
  }
  const home = io.logDir ?? defaultTrayHome(io.env);
  let env: Awaited<ReturnType<typeof createEnvironment>>;
  try {
    env = await (io.createEnvironment ?? createEnvironment)({ ...chosen, knownHostsFile: values['known-hosts'] });
  } catch (err) {
    return failure(err, io, !!values.json);
  }
  try {
    const projects = [];
    for (const c of values.config!) projects.push(await loadProjectFor(c, home, io.env, watched ?? undefined, !!io.logDir));
    const inspection = await inspectProjects(env, projects, { waitMs: 0, pollMs: 1000 });
    const plans = inspection.plan.projects;
    const entries = sshEntries(plans);
    // A VM without an entry is said, with why (the reason its hosts sync is skipped: the same login).
    const leftOut = plans.flatMap((pp) => pp.vms.filter((r) => !r.sshTarget).map((r) => ({ project: pp.project, machineName: r.machineName, reason: r.sync.action === 'skip' ? r.sync.reason : 'no way to log in to it' })));
    const userConfig = path.resolve(values['user-config'] ?? userSshConfigPath());
    let refused: RefusedEntry[];
    let leftToUser: LeftToUser[];
    if (!values.write) {
      const rendered = await printableSshConfig(plans, entries, home, userConfig);
      ({ refused, leftToUser } = rendered);
      io.stdout(values.json ? `${JSON.stringify({ entries, config: rendered.text, refused, leftToUser, leftOut }, null, 2)}\n` : safeText(rendered.text));
    } else {
      const files = await writeSshConfig({ home, entries, machines: planMachines(plans), hostKeys: env.hostKeys, userConfig });
      ({ refused, leftToUser } = files);
      const { names: _names, ...shown } = files;
      if (values.json) io.stdout(`${JSON.stringify({ entries, files: shown, leftOut }, null, 2)}\n`);
      io.stderr(safeText(files.changed.length > 0 ? `updated ${files.changed.join(', ')}\n` : 'already current; nothing written\n'));
      const written = entries.filter((e) => (files.names.get(e) ?? []).length > 0);
      io.stderr(safeText(`${written.length} VM${written.length === 1 ? '' : 's'}: ${written.map((e) => e.machine).join(', ') || '(none reachable yet)'}. Try: ssh ${written[0] ? files.names.get(written[0])![0] : '<machine>'}\n`));
      // OpenSSH refuses a host whose key the tray has not pinned: the tray pins at its first login.
      // Reconcile logs in to the VMs it syncs; diagnose to every VM it can reach (a user-mode one too).
      const syncing = new Set(plans.flatMap((pp) => pp.vms.filter((r) => r.sync.action === 'sync').map((r) => r.machineName)));
      const pinBy = files.unpinned.every((m) => syncing.has(m)) ? 'reconcile' : 'diagnose';
      if (files.unpinned.length > 0) io.stderr(safeText(`Not pinned yet, so ssh refuses them: ${files.unpinned.join(', ')}. Run 'ragnatramp-tray ${pinBy} ${watched ? `--${watched.provider} ${watched.option}` : `--config ${values.config[0]}`}' first (it logs in and pins each key), then ssh-config --write again.\n`));
    }
    const several = plans.length > 1;
    for (const l of leftOut) io.stderr(safeText(`left out: ${several ? `${l.project}/` : ''}${l.machineName}: ${l.reason}\n`));
    return saySshNames({ refused, leftToUser }, userConfig, io);
  } catch (err) {
    return failure(err, io, !!values.json);
  } finally {
    await env.dispose();
  }
}

/** The OpenSSH config as `ssh-config` prints it: with the tray's pins as its known_hosts, and the short names the user's own config has left to it. */
export async function printableSshConfig(plans: ProjectPlan[], entries: SshHostEntry[], home: string, userConfig: string): Promise<RenderedSshConfig> {
  return renderSshClientConfig(entries, path.join(home, 'ssh', 'known_hosts'), { machines: planMachines(plans), userHas: await userNames(userConfig, home) });
}

/** Names left to the user's own config, and VMs whose values OpenSSH cannot be given (exit 2: the user's to fix; the others were written). */
export function saySshNames(rendered: Pick<RenderedSshConfig, 'refused' | 'leftToUser'>, userConfig: string, io: CliIo): number {
  if (rendered.leftToUser.length > 0) io.stderr(`${safeText(leftToUserNotice(rendered.leftToUser, userConfig))}\n`);
  for (const r of rendered.refused) io.stderr(`${safeInline(r.message)}\n`);
  return rendered.refused.length > 0 ? 2 : 0;
}

/**
 * Bad input exits 2 and an unreachable hypervisor 1, each in its own words; never a stack trace.
 * With --json stdout still carries one object: { error } (as cli.ts does for the other commands).
 */
function failure(err: unknown, io: CliIo, json: boolean): number {
  const said = (message: string, exitCode: number, safe: (t: string) => string) => {
    if (json) io.stdout(`${JSON.stringify({ error: { message, exitCode } }, null, 2)}\n`);
    io.stderr(`${safe(message)}\n`);
    return exitCode;
  };
  if (err instanceof InputError || err instanceof HypervisorError) return said(err.message, err instanceof InputError ? 2 : 1, safeText);
  // A file the tray may not replace (another user's) or cannot write: one line.
  if ((err as NodeJS.ErrnoException).code || err instanceof OwnershipError) return said(errorMessage(err), 1, safeInline);
  throw err;
}
