// The Hyper-V provider: one PowerShell invocation per pass for all VMs of all projects, then
// the pure tier logic. Turns PowerShell failures into messages that say what to do.

import { HypervisorError } from '../errors.js';
import type { DiscoveryProvider } from '../discovery/provider.js';
import type { VmObservation, VmRef } from '../types.js';
import { buildDiscoveryScript } from './discovery-script.js';
import { observeHyperV } from './observe-hyperv.js';
import { parseDiscoveryOutput } from './parse-output.js';
import { PowerShellError, type PowerShellRunner } from './powershell-runner.js';

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
    return observeHyperV(refs, parseDiscoveryOutput(output), now);
  }

  dispose(): Promise<void> {
    return this.runner.dispose();
  }
}

export function explainPowerShellFailure(err: unknown): Error {
  if (!(err instanceof PowerShellError)) return err as Error;
  const text = err.message;
  const fail = (hint: string) => new HypervisorError(`Hyper-V could not be queried: ${text}`, hint, text);
  if (err.kind === 'timeout') return fail('Hyper-V may be busy (a VM starting, a checkpoint merging); the next pass tries again with a fresh PowerShell.');
  if (err.kind === 'unavailable') {
    return fail(process.platform === 'win32'
      ? 'Windows PowerShell (powershell.exe) must be on PATH.'
      : 'The Hyper-V provider needs Windows. On this host use --simulate <scenario.yaml>, or the Linux provider.');
  }
  if (/required permission|access is denied|unauthorized/i.test(text)) {
    return fail("Your account must be in the 'Hyper-V Administrators' group (SID S-1-5-32-578). Ask an administrator to add you, then sign out and back in: new group membership applies only after a new sign-in.");
  }
  if (/unable to be found|was not found/i.test(text)) {
    return fail("On older Windows builds this is how missing access shows: check that you are in 'Hyper-V Administrators', then sign out and back in.");
  }
  if (/not recognized as the name of a cmdlet|CommandNotFoundException/i.test(text)) {
    return fail("The Hyper-V PowerShell module is missing: turn on 'Hyper-V Module for Windows PowerShell' under Windows Features > Hyper-V > Hyper-V Management Tools.");
  }
  if (/vmms|Virtual Machine Management service/i.test(text)) {
    return fail("The Hyper-V Virtual Machine Management service (vmms) is not running: start it from Services or reboot.");
  }
  return fail(err.kind === 'exited' ? 'The next pass starts a new PowerShell process.' : 'Run with --verbose to see the script and its full answer.');
}
