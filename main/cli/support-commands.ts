// The two commands for a first real machine and for bug reports: `doctor` (every step of a
// pass, one by one, with the fix for each) and `support-bundle` (one zip to attach). Both take
// projects from --config, or else from the app's settings.

import path from 'node:path';
import type { Project } from '../engine/config/load-project.js';
import { createEnvironment } from '../engine/environment.js';
import { errorMessage, HypervisorError, InputError } from '../engine/errors.js';
import { openLog, NO_LOG } from '../engine/log/log-file.js';
import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import { formatDoctor, runDoctor, type DoctorStep } from '../engine/support/doctor.js';
import { namesProvider, PROVIDER_ARGS, providerArgs } from '../engine/providers/provider-args.js';
import type { ProviderOptions } from '../engine/providers/provider-entry.js';
import { defaultProvider, providerEntry } from '../engine/providers/registry.js';
import { writeSupportBundle } from '../engine/support/support-bundle.js';
import type { CliIo } from './cli.js';
import { safeInline, safeText } from './sanitize.js';
import { parseOptions } from './grammar.js';
import { usageError } from './help.js';
import { VERSION } from '../engine/version.js';
import { loadProjectFor, readTraySettings, settingsProvider } from './tray-settings.js';

export const SUPPORT_COMMANDS = ['doctor', 'support-bundle'] as const;

export async function runSupportCommand(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  let values: { config?: string[]; out?: string; simulate?: string; provider?: string; manifest?: string; quickemu?: string; libvirt?: string; proxmox?: string; 'proxmox-token'?: string; json?: boolean; verbose?: boolean };
  let chosen: ReturnType<typeof providerArgs>;
  try {
    ({ values } = parseOptions(rest, { config: { type: 'string', multiple: true }, out: { type: 'string' }, ...PROVIDER_ARGS, json: { type: 'boolean' }, verbose: { type: 'boolean' } }, command!));
    if (command === 'support-bundle' && (values.simulate || values.provider || values.manifest || values.quickemu || values.libvirt || values.proxmox)) throw new Error('support-bundle takes --config, --out and --json only');
    if (command === 'doctor' && values.out) throw new Error('--out applies to support-bundle only');
    chosen = providerArgs(values);
  } catch (err) {
    io.stderr(usageError(errorMessage(err), command));
    return 2;
  }
  const home = io.logDir ?? defaultTrayHome(io.env);
  const configs = (values.config ?? []).map((c) => path.resolve(c));
  const configPaths = configs.length > 0 ? configs : (await readTraySettings(home)).projects;

  if (command === 'support-bundle') {
    let bundle;
    try {
      bundle = await writeSupportBundle({ home, configPaths, watched: (await readTraySettings(home)).watched, out: values.out, appVersion: VERSION });
    } catch (err) {
      return failed(io, !!values.json, `The support bundle could not be written: ${errorMessage(err)}`, 1, safeInline);
    }
    io.stdout(values.json ? `${JSON.stringify(bundle, null, 2)}\n` : `${safeInline(bundle.file)}\n`);
    io.stderr(`Attach this file to your bug report (key paths but no keys). It holds:\n${bundle.holds.map((h) => `  ${safeInline(h)}\n`).join('')}`);
    if (bundle.holdsSimulated) io.stderr("Its PowerShell version (versions.json) is a simulated run's (--simulate), not this PC's.\n");
    for (const l of bundle.leftOut) io.stderr(`${safeInline(`Left out: ${l.file} ${l.why}.`)}\n`);
    for (const m of bundle.missing) io.stderr(`${safeInline(`Not there: ${m.file} ${m.why}.`)}\n`);
    return 0;
  }

  const log = io.logDir ? openLog({ dir: io.logDir, component: 'doctor', mirror: values.verbose ? (l) => io.stderr(`${l}\n`) : undefined }) : NO_LOG;
  const projects: Project[] = [];
  for (const c of configPaths) {
    try {
      projects.push(await loadProjectFor(c, home, io.env, undefined, !!io.logDir));
    } catch (err) {
      io.stderr(`${safeText(err instanceof InputError ? err.message : errorMessage(err))}\n`);
    }
  }
  // Each provider in use is checked: the one the flags name, else each project's in the app's
  // settings (a project without one, or no project at all: this computer's default).
  let groups: Array<{ options: ProviderOptions & { provider: string }; projects: Project[] }>;
  try {
    groups = await doctorGroups(chosen, projects, home);
  } catch (err) {
    await log.close();
    return failed(io, !!values.json, errorMessage(err), 2);
  }
  const steps: DoctorStep[] = [];
  for (const group of groups) {
    let env: Awaited<ReturnType<typeof createEnvironment>>;
    try {
      env = await (io.createEnvironment ?? createEnvironment)({ ...group.options, logger: log, log: values.verbose ? (l) => io.stderr(`${l}\n`) : undefined });
    } catch (err) {
      // A --simulate or --manifest file that is not one: the user's input, said in one place.
      if (!(err instanceof InputError || err instanceof HypervisorError)) {
        await log.close();
        throw err;
      }
      if (groups.length === 1) {
        await log.close();
        return failed(io, !!values.json, err.message, err instanceof InputError ? 2 : 1);
      }
      // One provider's bad setting does not hide the others' checks.
      steps.push({ step: `${providerEntry(group.options.provider).label} set up`, ok: false, detail: err.message.split('\n')[0]!, fix: err.message.split('\n').slice(1).join(' ') || null, provider: providerEntry(group.options.provider).label });
      continue;
    }
    try {
      steps.push(...(await runDoctor(env, group.projects, { provider: group.options.provider, options: group.options, simulated: !!group.options.simulate, logger: log })));
    } finally {
      await env.dispose();
    }
  }
  log.info('doctor', { steps });
  await log.close();
  io.stdout(values.json ? `${JSON.stringify({ steps }, null, 2)}\n` : `${safeText(formatDoctor(steps))}\n`);
  return steps.some((s) => s.ok === false) ? 1 : 0;
}

/** The providers to check, each with its projects: the flags' for all, else each project's choice in the app's settings. */
async function doctorGroups(chosen: ProviderOptions & { provider?: string }, projects: Project[], home: string): Promise<Array<{ options: ProviderOptions & { provider: string }; projects: Project[] }>> {
  const own = { ...chosen, provider: chosen.provider ?? defaultProvider(chosen) };
  if (namesProvider(chosen) || projects.length === 0) return [{ options: own, projects }];
  const groups = new Map<string, { options: ProviderOptions & { provider: string }; projects: Project[] }>();
  for (const project of projects) {
    const options = (await settingsProvider(home, [project.configPath])) ?? own;
    const withToken = chosen.proxmoxToken && options.provider === 'proxmox' ? { ...options, proxmoxToken: chosen.proxmoxToken } : options;
    const key = JSON.stringify(withToken);
    const group = groups.get(key) ?? { options: withToken, projects: [] };
    group.projects.push(project);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** A failure said on stderr and, with --json, as the one { error } object on stdout (as cli.ts does for the other commands). */
function failed(io: CliIo, json: boolean, message: string, exitCode: number, safe = safeText): number {
  if (json) io.stdout(`${JSON.stringify({ error: { message, exitCode } }, null, 2)}\n`);
  io.stderr(`${safe(message)}\n`);
  return exitCode;
}
