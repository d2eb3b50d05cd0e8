// Assembles the engine's edges for one run: the real Hyper-V provider over node-powershell, or
// the simulator at the same seam; real SSH and port probes, or the simulator's guests; the host
// key pin store. The CLI, the worker thread and the tests all build their dependencies here.

import path from 'node:path';
import { tcpProbe } from './discovery/port-probe.js';
import type { EngineDeps } from './reconcile.js';
import { HyperVProvider } from './providers/hyperv/hyperv-provider.js';
import { NodePowerShellRunner, type PowerShellRunner } from './providers/hyperv/powershell-runner.js';
import { defaultTrayHome, FileHostKeyStore } from './ssh/known-hosts.js';
import { InputError } from './errors.js';
import { NO_LOG, type Log, type LogFields } from './log/log-file.js';
import { parseDiscoveryOutput } from './providers/hyperv/parse-output.js';
import { DISCOVERY_MARKER } from './providers/hyperv/discovery-script.js';
import { LinuxProvider } from './providers/linux/linux-provider.js';
import { loadManifest } from './providers/linux/manifest.js';
import { Ssh2Connector } from './ssh/ssh2-connector.js';
import { PooledConnector } from './ssh/pooled-connector.js';
import type { SshTarget } from './ssh/ssh-session.js';
import { ScenarioFile } from './simulator/scenario-source.js';
import { SimulatedGuests } from './simulator/simulated-network.js';
import { SimulatedPowerShell } from './simulator/simulated-powershell.js';

export interface EnvironmentOptions {
  /** A scenario file: the simulator answers instead of PowerShell. */
  simulate?: string;
  /** Which hypervisor to ask; by default Hyper-V on Windows and the Linux provider elsewhere. */
  provider?: 'hyperv' | 'linux';
  /** The Linux provider's inventory (VMs, MACs, lease files); libvirt is asked as well. */
  manifest?: string;
  /** Receives each PowerShell invocation and its answer, line by line (`--verbose`). */
  log?: (line: string) => void;
  /** The log file: every PowerShell invocation with its timing and error records. */
  logger?: Log;
  knownHostsFile?: string;
  powershellTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Keep SSH connections open between passes (a long-running engine); the CLI does not. */
  keepConnections?: boolean;
  onFirstUse?: (target: SshTarget, fingerprint: string) => void;
}

export interface Environment extends EngineDeps {
  hostKeys: FileHostKeyStore;
  /** The connection pool, when keepConnections was asked for. */
  pool: PooledConnector | null;
  /** The PowerShell the Hyper-V provider uses (doctor runs its checks through it too). */
  powershell?: PowerShellRunner;
  /** Present when simulating: counts invocations, holds the simulated guests' files. */
  simulator?: { powershell: SimulatedPowerShell; guests: SimulatedGuests | null };
  dispose(): Promise<void>;
}

export async function createEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const timeoutMs = options.powershellTimeoutMs ?? 30_000;
  const source = options.simulate ? new ScenarioFile(path.resolve(options.simulate)) : null;
  const scenario = source ? await source.current() : null; // a bad scenario fails here, as bad input
  const simulatedNetwork = !!scenario && scenario.network !== 'real';
  // Simulated guests' keys never go into the file that pins real guests' keys.
  const pinFile = options.knownHostsFile ?? path.join(defaultTrayHome(), simulatedNetwork ? 'known_hosts.simulated.json' : 'known_hosts.json');
  const hostKeys = new FileHostKeyStore(pinFile);
  const ssh2 = new Ssh2Connector({ hostKeys, connectTimeoutMs: options.connectTimeoutMs, onFirstUse: options.onFirstUse });
  const pool = options.keepConnections ? new PooledConnector(ssh2) : null;
  const realSsh: Pick<EngineDeps, 'connector' | 'probe'> = { connector: pool ?? ssh2, probe: tcpProbe() };
  const net = realSsh;
  const kind = options.provider ?? (options.simulate ? 'hyperv' : options.manifest || process.platform !== 'win32' ? 'linux' : 'hyperv');
  if (kind === 'linux') {
    if (options.simulate) throw new InputError(options.simulate, [{ field: null, problem: 'simulates Hyper-V, but --provider linux was asked for' }], 'Drop one of --simulate and --provider linux.');
    const provider = new LinuxProvider(options.manifest ? await loadManifest(path.resolve(options.manifest)) : null);
    return { provider, ...net, hostKeys, pool, hostsMemory: pool ? new Map() : undefined, dispose: async () => (pool?.dispose(), provider.dispose()) };
  }
  let runner: PowerShellRunner;
  let simulator: Environment['simulator'];
  if (source) {
    const guests = simulatedNetwork ? new SimulatedGuests(source, hostKeys, options.onFirstUse) : null;
    const powershell = new SimulatedPowerShell(source, { timeoutMs, kvpFixed: guests ? (id) => guests.kvpFixed.has(id) : undefined });
    runner = powershell;
    simulator = { powershell, guests };
  } else {
    runner = new NodePowerShellRunner({ timeoutMs });
  }
  const powershell = options.log || options.logger ? loggingRunner(runner, options.log ?? (() => undefined), options.logger ?? NO_LOG) : runner;
  const provider = new HyperVProvider(powershell);
  const guestSide = simulator?.guests ? { connector: simulator.guests.connector, probe: simulator.guests.probe } : net;
  return { provider, powershell, ...guestSide, hostKeys, simulator, pool, hostsMemory: options.keepConnections ? new Map() : undefined, dispose: async () => (pool?.dispose(), provider.dispose()) };
}

/**
 * `--verbose`: every invocation and its answer, each starting with a `[powershell]` line; and
 * the log file: each invocation's timing, and the error records its answer carried.
 */
export function loggingRunner(inner: PowerShellRunner, log: (line: string) => void, logger: Log = NO_LOG): PowerShellRunner {
  let n = 0;
  return {
    async run(script) {
      const id = ++n;
      log(`[powershell] invocation ${id} (${script.length} chars):\n${script}`);
      const started = performance.now();
      try {
        const out = await inner.run(script);
        const ms = Math.round(performance.now() - started);
        log(`[powershell] invocation ${id} answered in ${ms} ms (${out.length} chars):\n${out}`);
        logger.info('powershell invocation', { invocation: id, ms, chars: out.length, ...(script.includes(DISCOVERY_MARKER) ? answerFacts(out) : {}) });
        return out;
      } catch (err) {
        const ms = Math.round(performance.now() - started);
        log(`[powershell] invocation ${id} failed after ${ms} ms: ${(err as Error).message}`);
        logger.error('powershell invocation failed', { invocation: id, ms, error: (err as Error).message });
        throw err;
      }
    },
    dispose: () => inner.dispose(),
  };
}

/** What of an answer belongs in the log: the host facts and every error record. */
function answerFacts(out: string): LogFields {
  try {
    const snapshot = parseDiscoveryOutput(out);
    const errors = [...snapshot.errors, ...snapshot.vms.flatMap((v) => (v.error ? [v.error] : []))];
    return { vms: snapshot.vms.length, host: snapshot.host, ...(errors.length > 0 ? { errorRecords: errors } : {}) };
  } catch {
    return { unparsable: true };
  }
}
