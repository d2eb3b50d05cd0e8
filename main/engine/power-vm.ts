// Starting, stopping and restarting one machine of a project: the VM is observed first (so the
// provider acts on the VM it matched, by its own id), a request that is already true is said so
// and changes nothing, and the provider's own power seam does the rest. The planner and the
// hosts sync are not involved: the pass that follows a start sees the new address.

import type { Project } from './config/load-project.js';
import { didYouMean } from './did-you-mean.js';
import { isActive } from './discovery/observation.js';
import type { DiscoveryProvider, PowerAction } from './discovery/provider.js';
import { HypervisorError, InputError } from './errors.js';
import { providerEntry } from './providers/registry.js';

export const POWER_ACTIONS: readonly PowerAction[] = ['start', 'stop', 'restart'];

export interface PowerResult {
  machineName: string;
  action: PowerAction;
  /** false when the VM already was as asked (nothing was sent to the hypervisor). */
  changed: boolean;
  message: string;
}

/** Whether a provider can power VMs at all, and if not, why (the window hides its buttons). */
export function powerUnavailable(provider: Pick<DiscoveryProvider, 'name' | 'power'>): string | null {
  if (provider.power) return null;
  const label = providerEntry(provider.name).label;
  return `${label} cannot start or stop VMs: it only reads what it is given (a manifest of VMs started some other way) and has no hypervisor to ask. Start or stop the VM the way you started it.`;
}

export async function powerVm(provider: DiscoveryProvider, project: Pick<Project, 'name' | 'configPath' | 'vms'>, machineName: string, action: PowerAction, now = new Date().toISOString()): Promise<PowerResult> {
  const ref = project.vms.find((r) => r.machineName === machineName);
  if (!ref) throw new InputError(project.configPath, [{ field: null, problem: `has no machine named '${machineName}'${didYouMean(machineName, project.vms.map((r) => r.machineName))}` }], 'Check the name given to --machine.');
  const unavailable = powerUnavailable(provider);
  if (unavailable) throw new HypervisorError(unavailable, `'${machineName}' was left as it is.`);
  const [vm] = await provider.observe([ref], now);
  if (!vm) throw new HypervisorError(`${project.name}: '${machineName}' could not be observed.`, 'Try again.');
  const said = (message: string): PowerResult => ({ machineName, action, changed: false, message });
  if (vm.power === 'unknown') throw new HypervisorError(`'${machineName}' is in a state ${vm.lookedIn} did not say (${vm.vmState}), so it was left as it is.`, 'Look at it in the hypervisor\'s own tools, then try again.');
  if (!vm.found && action !== 'start') throw new HypervisorError(`'${machineName}' has no VM in ${vm.lookedIn} (looked for '${ref.vmName}'), so there is nothing to ${action}.`, vm.warnings[0]?.text ?? 'Check the project and its provider in Settings.');
  const active = isActive(vm.power);
  if (action === 'start' && active) return said(`'${machineName}' is already running.`);
  if (action === 'stop' && vm.found && !active) return said(`'${machineName}' is already stopped (${vm.vmState}).`);
  if (action === 'restart' && vm.found && !active) throw new HypervisorError(`'${machineName}' is not running (${vm.vmState}), so it cannot be restarted.`, 'Start it instead.');
  return { machineName, action, changed: true, message: await provider.power!(vm, action) };
}
