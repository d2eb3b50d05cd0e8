// `ragnatramp-tray doctor` and the window's "This PC": this computer's checks for a provider
// (each provider registers its own: hyperv-host-checks.ts, libvirt-host-checks.ts…), then each
// guest's SSH. Every step says pass, fail (with the fix) or skip, and why.

import type { Project } from '../config/load-project.js';
import { execRunner, type CommandRunner } from '../discovery/host-neighbors.js';
import { inspectGuests } from '../guest-actions.js';
import { inspectProjects } from '../inspect.js';
import type { Environment } from '../environment.js';
import { errorMessage } from '../errors.js';
import type { Log } from '../log/log-file.js';
import type { HostCheck, ProviderOptions } from '../providers/provider-entry.js';
import { providerEntry } from '../providers/registry.js';

export interface DoctorStep extends HostCheck {
  /** The provider's label ("Hyper-V", "libvirt"), for steps of its host checks. */
  provider?: string;
}

export interface HostCheckOptions {
  /** The provider's registry name, and the options its environment was built with. */
  provider: string;
  options: ProviderOptions;
  simulated: boolean;
  platform?: NodeJS.Platform;
  run?: CommandRunner;
  env?: NodeJS.ProcessEnv;
  logger?: Log;
  onNotice?: (text: string) => void;
}

/** One provider's checks of this computer, for these projects' VMs; a check that throws is a failed step, never a crash. */
export async function runHostChecks(env: Pick<Environment, 'hostKeys' | 'powershell'>, projects: Project[], o: HostCheckOptions): Promise<HostCheck[]> {
  const entry = providerEntry(o.provider);
  try {
    return await entry.hostChecks({
      options: o.options,
      hostKeys: env.hostKeys,
      ...(env.powershell ? { powershell: env.powershell } : {}),
      simulated: o.simulated,
      platform: o.platform ?? process.platform,
      refs: projects.flatMap((p) => p.vms),
      run: o.run ?? execRunner,
      env: o.env ?? process.env,
      ...(o.logger ? { logger: o.logger } : {}),
      ...(o.onNotice ? { onNotice: o.onNotice } : {}),
    });
  } catch (err) {
    return [{ step: `${entry.label} checks`, ok: false, detail: errorMessage(err).split('\n')[0]!, fix: 'Run ragnatramp-tray doctor --verbose and send the support bundle (ragnatramp-tray support-bundle).' }];
  }
}

export async function runDoctor(env: Environment, projects: Project[], options: HostCheckOptions & { timeoutMs?: number }): Promise<DoctorStep[]> {
  const label = providerEntry(options.provider).label;
  const steps: DoctorStep[] = (await runHostChecks(env, projects, options)).map((s) => ({ ...s, provider: label }));
  const add = (step: string, ok: boolean | null, detail: string, fix: string | null = null) => steps.push({ step, ok, detail, fix });

  if (projects.length === 0) {
    add('Guests over SSH', null, 'no project given (--config) or watched by the app');
    return steps;
  }
  try {
    const inspection = await inspectProjects(env, projects, { waitMs: 0, pollMs: 1000 });
    for (const pp of inspection.plan.projects) {
      const reports = await inspectGuests(env, pp, { concurrency: 8, timeoutMs: options.timeoutMs ?? 15_000 });
      for (const [machine, r] of reports) {
        const step = `SSH to ${pp.project}/${machine}`;
        if ('unavailable' in r) add(step, null, `skipped: ${r.unavailable}`);
        else if ('error' in r) add(step, false, r.error, "See the message; 'ragnatramp-tray diagnose' gives each guest's checks.");
        else add(step, true, `${r.os ?? 'guest'}; sudo ${r.sudo}; /etc/hosts block ${r.hostsBlock}`);
      }
    }
  } catch (err) {
    add('Discovery', false, errorMessage(err), null);
  }
  return steps;
}

/** The text form: one line a step, a provider's heading before its steps when several providers were checked. */
export function formatDoctor(steps: DoctorStep[]): string {
  const mark = (ok: boolean | null) => (ok === true ? 'PASS' : ok === false ? 'FAIL' : 'SKIP');
  const providers = new Set(steps.flatMap((s) => (s.provider ? [s.provider] : [])));
  let last: string | undefined;
  return steps
    .map((s) => {
      const heading = providers.size > 1 && s.provider && s.provider !== last ? `${s.provider}:\n` : '';
      if (s.provider) last = s.provider;
      return `${heading}${mark(s.ok)}  ${s.step}: ${s.detail}${s.fix ? `\n      fix: ${s.fix}` : ''}`;
    })
    .join('\n');
}
