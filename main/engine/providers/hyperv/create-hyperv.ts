// Builds the Hyper-V provider's edges: node-powershell (or the simulator's PowerShell and guests
// for a scenario), wrapped in the invocation log.

import path from 'node:path';
import { ScenarioFile } from '../../simulator/scenario-source.js';
import { SimulatedGuests } from '../../simulator/simulated-network.js';
import { SimulatedPowerShell } from '../../simulator/simulated-powershell.js';
import { NO_LOG } from '../../log/log-file.js';
import type { ProviderOptions, ProviderParts, SharedEdges } from '../provider-entry.js';
import { HyperVProvider } from './hyperv-provider.js';
import { loggingRunner } from './logging-runner.js';
import { NodePowerShellRunner, type PowerShellRunner } from './powershell-runner.js';

export async function createHyperV(options: ProviderOptions, shared: SharedEdges): Promise<ProviderParts> {
  let runner: PowerShellRunner;
  let simulator: ProviderParts['simulator'];
  if (options.simulate) {
    const source = new ScenarioFile(path.resolve(options.simulate));
    const scenario = await source.current(); // a bad scenario fails here, as bad input
    const guests = scenario.network !== 'real' ? new SimulatedGuests(source, shared.hostKeys, shared.onFirstUse) : null;
    const powershell = new SimulatedPowerShell(source, { timeoutMs: shared.powershellTimeoutMs, kvpFixed: guests ? (id) => guests.kvpFixed.has(id) : undefined });
    runner = powershell;
    simulator = { powershell, guests };
  } else {
    runner = new NodePowerShellRunner({ timeoutMs: shared.powershellTimeoutMs });
  }
  const powershell = shared.log || shared.logger ? loggingRunner(runner, shared.log ?? (() => undefined), shared.logger ?? NO_LOG, !!simulator) : runner;
  return {
    provider: new HyperVProvider(powershell),
    powershell,
    ...(simulator ? { simulator } : {}),
    ...(simulator?.guests ? { net: { connector: simulator.guests.connector, probe: simulator.guests.probe, offeredHostKey: simulator.guests.offeredHostKey } } : {}),
  };
}
