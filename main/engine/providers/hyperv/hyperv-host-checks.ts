// Hyper-V's checks of this PC, for `doctor` and the window's "This PC": PowerShell (found,
// version, language mode), the Hyper-V module, the vmms service, Hyper-V Administrators
// membership, Get-VM, the Default Switch and the neighbour table, all from one script
// (DOCTOR_SCRIPT) so that each step is answered even when an earlier one failed.

import { existsSync } from 'node:fs';
import { errorMessage } from '../../errors.js';
import type { HostCheck, HostCheckContext } from '../provider-entry.js';
import { DOCTOR_SCRIPT } from './discovery-script.js';
import { powershellExecutable, type PowerShellRunner } from './powershell-runner.js';
import { withoutTerminalNoise } from './terminal-noise.js';

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

/** `exists`: whether Windows PowerShell is where Windows keeps it (tests of the real pwsh say yes). */
export async function hypervHostChecks(context: Pick<HostCheckContext, 'powershell' | 'simulated' | 'platform'>, exists: (file: string) => boolean = existsSync): Promise<HostCheck[]> {
  const steps: HostCheck[] = [];
  const add = (step: string, ok: boolean | null, detail: string, fix: string | null = null) => steps.push({ step, ok, detail, fix });
  const { powershell, simulated, platform } = context;
  if (!powershell) return steps;
  const exe = powershellExecutable(platform);
  if (simulated) add('PowerShell found', true, 'simulated Hyper-V host (--simulate)');
  else if (platform === 'win32') add('PowerShell found', exists(exe), exe, exists(exe) ? null : 'Windows PowerShell is missing from its usual place: repair Windows (sfc /scannow) or ask your administrator.');
  else add('PowerShell found', null, 'not Windows: the Hyper-V provider needs Windows; use --simulate, or another provider (libvirt, quickemu, Proxmox VE)');
  if (!steps[0]!.ok) return steps;
  const a = await askHost(powershell);
  if ('error' in a) {
    add('PowerShell answers', false, a.error, 'Run again with --verbose and send the support bundle (ragnatramp-tray support-bundle).');
    return steps;
  }
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
  return steps;
}

async function askHost(powershell: PowerShellRunner): Promise<DoctorAnswer | { error: string }> {
  try {
    const raw = await powershell.run(DOCTOR_SCRIPT);
    const parsed = JSON.parse(withoutTerminalNoise(raw)) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as DoctorAnswer) : { error: 'PowerShell answered, but not with the expected JSON' };
  } catch (err) {
    return { error: errorMessage(err) };
  }
}
