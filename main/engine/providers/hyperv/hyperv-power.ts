// Starting and stopping a Hyper-V VM by its id, through the same PowerShell runner discovery uses:
// `Hyper-V\Get-VM -Id` (the id a GUID, checked, and quoted all the same), then `Hyper-V\Start-VM`
// or `Hyper-V\Stop-VM -Force` (the guest shuts down through its integration services; -Force so
// that Stop-VM never stops to ask, as it would for a locked VM or unsaved applications, and
// without -TurnOff, which pulls the plug). Restart is Stop-VM then Start-VM: Restart-VM is a
// hard reset ("like powering the computer down", learn.microsoft.com/powershell/module/hyper-v/
// restart-vm), which could lose the guest's data. Members of Hyper-V Administrators may do all
// of it; nothing needs elevation. The script answers one JSON line: done, or the error record.

import { HypervisorError } from '../../errors.js';
import type { VmObservation } from '../../discovery/observation.js';
import type { PowerAction } from '../../discovery/provider.js';
import { ASCII_OUTPUT } from './discovery-script.js';
import { explainPowerShellFailure } from './hyperv-provider.js';
import type { PowerShellRunner } from './powershell-runner.js';
import { psQuote } from './ps-quote.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STEPS: Record<PowerAction, string[]> = {
  start: ['Hyper-V\\Start-VM -VM $vm'],
  stop: ['Hyper-V\\Stop-VM -VM $vm -Force'],
  restart: ['Hyper-V\\Stop-VM -VM $vm -Force', 'Hyper-V\\Start-VM -VM $vm'],
};

/** The script for one VM and action; the id is the only value in it. */
export function powerScript(vmId: string, action: PowerAction): string {
  if (!GUID.test(vmId)) throw new Error(`not a Hyper-V VM id: ${vmId}`);
  // One line, as the discovery script (the session reads statements line by line from stdin), in
  // a script block of its own: the session's preferences and variables stay as discovery left them.
  const steps = STEPS[action].map((s) => `${s} -ErrorAction Stop`).join('; ');
  const done = '$json = ConvertTo-Json -Compress -InputObject @{ ok = $true; state = [string](Hyper-V\\Get-VM -Id $vm.Id -ErrorAction Stop).State }';
  const failed = '$json = ConvertTo-Json -Compress -InputObject @{ ok = $false; message = [string]$_.Exception.Message; errorId = [string]$_.FullyQualifiedErrorId; category = [string]$_.CategoryInfo.Category }';
  // Messages are in Windows' display language: every non-ASCII character escaped, as discovery's.
  return `& { try { $vm = Hyper-V\\Get-VM -Id ${psQuote(vmId)} -ErrorAction Stop; ${steps}; ${done} } catch { ${failed} }; ${ASCII_OUTPUT}; $json }`;
}

const ID_IN_SCRIPT = /Get-VM -Id '([0-9a-f-]{36})'/i;

/** The VM and action of a script powerScript wrote, exactly; null for any other text (the simulator answers only these). */
export function parsePowerScript(script: string): { vmId: string; action: PowerAction } | null {
  const vmId = ID_IN_SCRIPT.exec(script)?.[1];
  if (!vmId || !GUID.test(vmId)) return null;
  const action = (Object.keys(STEPS) as PowerAction[]).find((a) => powerScript(vmId, a) === script);
  return action ? { vmId, action } : null;
}

interface Answer {
  ok: boolean;
  state?: string;
  message?: string;
  errorId?: string;
  category?: string;
}

/** The answer's JSON line (the last one that parses: a profile or a warning may print before it). */
function parseAnswer(output: string): Answer | null {
  for (const line of output.split(/\r?\n/).reverse()) {
    try {
      const a = JSON.parse(line.trim()) as Answer;
      if (a && typeof a.ok === 'boolean') return a;
    } catch {
      // not the answer
    }
  }
  return null;
}

const VERB: Record<PowerAction, string> = { start: 'started', stop: 'shut down', restart: 'restarted' };
const MEMBERSHIP = "Starting and stopping VMs needs membership of 'Hyper-V Administrators' (SID S-1-5-32-578), no elevation: ask an administrator to add you, then sign out and back in.";

export async function powerHyperV(runner: PowerShellRunner, vm: VmObservation, action: PowerAction): Promise<string> {
  const name = vm.ref.machineName;
  const id = vm.hypervisorId;
  if (!vm.found || !id) throw new HypervisorError(`'${name}' has no Hyper-V VM to ${action} (looked for '${vm.ref.vmName}').`, "Create it with 'ragnatramp up'.");
  let output: string;
  try {
    output = await runner.run(powerScript(id, action));
  } catch (err) {
    throw explainPowerShellFailure(err);
  }
  const answer = parseAnswer(output);
  if (!answer) throw new HypervisorError(`Hyper-V gave no answer to ${action} '${name}'.`, 'Run with --verbose to see what PowerShell printed.', output.slice(0, 2000));
  if (answer.ok) return `'${name}' ${VERB[action]} (Hyper-V says ${answer.state}).`;
  const detail = `${answer.message} [${answer.errorId}]`;
  const denied = answer.category === 'PermissionDenied' || /permission/i.test(answer.message ?? '');
  // Outside Hyper-V Administrators Get-VM finds no VM at all, as it finds none for a deleted one.
  const unfound = /^InvalidParameter,.*GetVM$/.test(answer.errorId ?? '');
  const hint = denied ? MEMBERSHIP : unfound ? `Hyper-V no longer finds it by its id: it was deleted, or ${MEMBERSHIP.charAt(0).toLowerCase()}${MEMBERSHIP.slice(1)}` : 'Look at the VM in Hyper-V Manager; the next pass shows its state.';
  throw new HypervisorError(`Hyper-V could not ${action} '${name}': ${answer.message}`, hint, detail);
}
