// `ragnatramp-tray doctor`: every step of a pass, one by one, on the real host, each with
// pass or fail and the fix: PowerShell (found, version, language mode), the Hyper-V module,
// the vmms service, Hyper-V Administrators membership, Get-VM, the Default Switch, the
// neighbour table; on macOS the provider's tools and bootpd (doctor-macos.ts); then each guest's
// SSH. A step that cannot run says why it was skipped.

import { existsSync } from 'node:fs';
import { execRunner } from '../discovery/host-neighbors.js';
import { macosDoctorSteps, type MacHost } from './doctor-macos.js';
import type { Project } from '../config/load-project.js';
import { inspectGuests } from '../guest-actions.js';
import { inspectProjects } from '../inspect.js';
import type { Environment } from '../environment.js';
import { errorMessage } from '../errors.js';
import { DOCTOR_SCRIPT } from '../providers/hyperv/discovery-script.js';
import { powershellExecutable } from '../providers/hyperv/powershell-runner.js';
import { withoutTerminalNoise } from '../providers/hyperv/terminal-noise.js';

export interface DoctorStep {
  step: string;
  /** null: skipped (an earlier step failed, or it does not apply). */
  ok: boolean | null;
  detail: string;
  fix: string | null;
}

interface DoctorAnswer {
  PSVersion?: string;
  LanguageMode?: string;
  HyperVModule?: boolean;
  Vmms?: string;
  Member?: boolean | null;
  VmCount?: number;
  VmError?: string;
  VmErrorId?: string;
  /** null when Get-VMSwitch failed other than "not found" (SwitchError says how). */
  DefaultSwitch?: boolean | null;
  SwitchError?: string;
  SwitchErrorId?: string;
  NeighborCount?: number;
  NeighborError?: string;
}

const MEMBERSHIP_FIX = "Ask an administrator to add your account to 'Hyper-V Administrators' (lusrmgr.msc, or 'Add-LocalGroupMember -SID S-1-5-32-578 -Member <you>' in an administrator PowerShell), then sign out and back in.";

export async function runDoctor(env: Environment, projects: Project[], options: { simulated: boolean; platform?: NodeJS.Platform; timeoutMs?: number; mac?: MacHost }): Promise<DoctorStep[]> {
  const steps: DoctorStep[] = [];
  const add = (step: string, ok: boolean | null, detail: string, fix: string | null = null) => steps.push({ step, ok, detail, fix });
  const platform = options.platform ?? process.platform;

  if (env.powershell) {
    const exe = powershellExecutable(platform);
    if (options.simulated) add('PowerShell found', true, 'simulated Hyper-V host (--simulate)');
    else if (platform === 'win32') add('PowerShell found', existsSync(exe), exe, existsSync(exe) ? null : 'Windows PowerShell is missing from its usual place: repair Windows (sfc /scannow) or ask your administrator.');
    else add('PowerShell found', null, 'not Windows: the Hyper-V provider needs Windows; use --simulate, or the Linux provider');
    const a = steps[0]!.ok ? await askHost(env) : null;
    if (a === null || 'error' in a) {
      if (a) add('PowerShell answers', false, a.error, 'Run again with --verbose and send the support bundle (ragnatramp-tray support-bundle).');
    } else {
      add('PowerShell version and language mode', true, `${a.PSVersion ?? '?'}, ${a.LanguageMode ?? '?'}${a.LanguageMode === 'ConstrainedLanguage' ? ' (a locked-down PC: the tray works within it)' : ''}`);
      add('Hyper-V module', !!a.HyperVModule, a.HyperVModule ? 'loaded' : 'missing', a.HyperVModule ? null : "Turn on 'Hyper-V Module for Windows PowerShell' under Windows Features > Hyper-V > Hyper-V Management Tools.");
      const vmmsOk = a.Vmms === 'Running';
      add('Virtual Machine Management service (vmms)', vmmsOk, a.Vmms ?? 'unknown', vmmsOk ? null : a.Vmms === 'Missing' ? "Hyper-V is not enabled: turn on 'Hyper-V' in Windows Features, then restart." : "Start it from Services (or 'Start-Service vmms' in an administrator PowerShell), or restart the PC.");
      add("Member of 'Hyper-V Administrators'", a.Member ?? null, a.Member === true ? 'yes' : a.Member === false ? 'no' : 'could not be checked (whoami failed)', a.Member === false ? MEMBERSHIP_FIX : null);
      if (a.VmError) add('Get-VM answers', false, `${a.VmError} [${a.VmErrorId ?? ''}]`, vmmsOk ? MEMBERSHIP_FIX : 'Fix the vmms step above first.');
      else add('Get-VM answers', true, `${a.VmCount ?? 0} VM${a.VmCount === 1 ? '' : 's'} visible to you${a.VmCount === 0 && a.Member === false ? ' (none: see the membership step)' : ''}`);
      if (a.SwitchError) {
        // Refused, not absent: the switch query says nothing about the Default Switch then.
        add('Default Switch present', false, `could not be checked: Hyper-V refused the switch query (${a.SwitchError} [${a.SwitchErrorId ?? ''}])`, a.Member === true ? "Run 'ragnatramp-tray doctor' again after signing out and back in; if it persists, send the support bundle." : MEMBERSHIP_FIX);
      } else add('Default Switch present', !!a.DefaultSwitch, a.DefaultSwitch ? 'yes' : 'no', a.DefaultSwitch ? null : "This PC has no Default Switch (Windows Server, or it was removed): Ragnatramp's VMs need it, or connect them to a switch of your own.");
      add('Neighbour (ARP) table readable', a.NeighborError === undefined, a.NeighborError ?? `${a.NeighborCount ?? 0} IPv4 entries`, a.NeighborError ? 'The ARP tier cannot work; VMs are found through KVP only. Send the support bundle.' : null);
    }
  }

  if (platform === 'darwin' && !options.simulated) steps.push(...(await macosDoctorSteps(env.provider.name, options.mac ?? { run: execRunner, exists: existsSync, env: process.env })));

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

async function askHost(env: Environment): Promise<DoctorAnswer | { error: string }> {
  try {
    const raw = await env.powershell!.run(DOCTOR_SCRIPT);
    const parsed = JSON.parse(withoutTerminalNoise(raw)) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as DoctorAnswer) : { error: 'PowerShell answered, but not with the expected JSON' };
  } catch (err) {
    return { error: errorMessage(err) };
  }
}

export function formatDoctor(steps: DoctorStep[]): string {
  const mark = (ok: boolean | null) => (ok === true ? 'PASS' : ok === false ? 'FAIL' : 'SKIP');
  return steps.map((s) => `${mark(s.ok)}  ${s.step}: ${s.detail}${s.fix ? `\n      fix: ${s.fix}` : ''}`).join('\n');
}

