// The Hyper-V provider: one PowerShell invocation per pass for all VMs of all projects, then
// the pure tier logic. Turns failures into messages that say what to do, classified from what
// does not depend on Windows' display language: the error record's FullyQualifiedErrorId,
// category and reason, the vmms service's state and Hyper-V Administrators membership.

import { HypervisorError } from '../../errors.js';
import type { DiscoveryProvider, PowerAction } from '../../discovery/provider.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { buildDiscoveryScript } from './discovery-script.js';
import { powerHyperV } from './hyperv-power.js';
import { observeHyperV } from './observe-hyperv.js';
import { parseDiscoveryOutput, type HvError, type HvHost } from './parse-output.js';
import { PowerShellError, windowsPowerShell, type PowerShellRunner } from './powershell-runner.js';

export class HyperVProvider implements DiscoveryProvider {
  readonly name = 'hyperv';

  constructor(private readonly runner: PowerShellRunner) {}

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const script = buildDiscoveryScript({ ids: refs.flatMap((r) => (r.vmId ? [r.vmId] : [])), names: refs.map((r) => r.vmName) });
    let output: string;
    try {
      output = await this.runner.run(script);
    } catch (err) {
      throw explainPowerShellFailure(err);
    }
    const snapshot = parseDiscoveryOutput(output);
    const failure = snapshot.errors.find((e) => e.scope === 'host');
    if (failure) throw explainQueryFailure(failure, snapshot.host);
    // Outside Hyper-V Administrators Get-VM lists nothing and fails nothing: a cause of the host,
    // not of each VM, and none of them can be called missing ("run ragnatramp up" would be wrong).
    if (snapshot.host.member === false && snapshot.vms.length === 0) throw new HypervisorError(NOT_MEMBER, ADD_ME);
    return observeHyperV(refs, snapshot, now);
  }

  power(vm: VmObservation, action: PowerAction): Promise<string> {
    return powerHyperV(this.runner, vm, action);
  }

  dispose(): Promise<void> {
    return this.runner.dispose();
  }
}

const DOCTOR = "Run 'ragnatramp-tray doctor' to check each step on this PC.";
const NOT_MEMBER = "Hyper-V shows your account no VMs: you are not in the 'Hyper-V Administrators' group (SID S-1-5-32-578).";
const ADD_ME = 'Ask an administrator to add you, then sign out and back in: new group membership applies only after a new sign-in.';
const IN_GROUP = "your account must be in the 'Hyper-V Administrators' group (SID S-1-5-32-578).";

/**
 * Get-VM itself failed: say why from the structured record and the host facts. The cause leads,
 * its fix follows, and Windows' own words (in the user's language) come last, once.
 */
export function explainQueryFailure(e: HvError, host: HvHost): HypervisorError {
  const detail = `${e.message} [${e.errorId || e.category}]`;
  const windows = e.message || e.errorId;
  const fail = (cause: string, fix: string) => new HypervisorError(cause, `${fix}\nHyper-V said: ${windows}`, detail);
  if (host.vmms === 'Missing') return fail('Hyper-V is not enabled on this PC: there is no Virtual Machine Management service (vmms).', "Turn on 'Hyper-V' in Windows Features, then restart.");
  if (host.vmms === 'StartPending') return fail('The Hyper-V Virtual Machine Management service (vmms) is still starting.', 'The next pass tries again.');
  if (host.vmms && host.vmms !== 'Running') return fail(`The Hyper-V Virtual Machine Management service (vmms) is ${host.vmms}.`, "Start it from Services (or 'Start-Service vmms' in an administrator PowerShell), or restart the PC.");
  if (e.reason === 'CommandNotFoundException' || e.errorId.startsWith('CommandNotFoundException')) {
    return fail('The Hyper-V PowerShell module is missing.', "Turn on 'Hyper-V Module for Windows PowerShell' under Windows Features > Hyper-V > Hyper-V Management Tools.");
  }
  if (e.category === 'PermissionDenied' || e.reason === 'UnauthorizedAccessException' || host.member === false) return fail(`Hyper-V refused your account: ${IN_GROUP}`, ADD_ME);
  // Older hosts report missing access as "unable to be found" (facts file, Get-VM).
  if (e.category === 'ObjectNotFound' && host.member !== true) return fail(`Hyper-V found no VM, which is how older Windows builds show missing access: ${IN_GROUP}`, ADD_ME);
  return new HypervisorError(`Hyper-V could not be queried: ${windows}`, DOCTOR, detail);
}

/** The PowerShell process itself failed: it could not start, hung, died, or the script failed. */
export function explainPowerShellFailure(err: unknown): Error {
  if (!(err instanceof PowerShellError)) return err as Error;
  const text = err.message;
  const fail = (hint: string) => new HypervisorError(`Hyper-V could not be queried: ${text}`, hint, text);
  if (err.kind === 'timeout') return fail('Hyper-V may be busy (a VM starting, a checkpoint merging); the next pass tries again with a fresh PowerShell.');
  if (err.kind === 'unavailable') {
    return fail(process.platform === 'win32'
      ? `Windows PowerShell could not be started from ${windowsPowerShell()}; is it removed or blocked? ${DOCTOR}`
      : 'The Hyper-V provider needs Windows. On this host use --simulate <scenario.yaml>, or the Linux provider.');
  }
  return fail(err.kind === 'exited' ? 'The next pass starts a new PowerShell process.' : `The discovery script itself failed. ${DOCTOR} Run with --verbose to see the script and its full answer.`);
}
