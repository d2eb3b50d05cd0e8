// Assembles the engine's edges for one run: the provider the registry builds (Hyper-V over
// node-powershell or its simulator, or the Linux provider), real SSH and port probes (or a
// simulation's guests), and the host key pin store. The CLI, the worker thread and the tests all
// build their dependencies here.

import path from 'node:path';
import { sshProbe } from './discovery/port-probe.js';
import { InputError } from './errors.js';
import type { EngineDeps } from './inspect.js';
import type { Log } from './log/log-file.js';
import type { PowerShellRunner } from './providers/hyperv/powershell-runner.js';
import type { ProviderOptions, ProviderParts } from './providers/provider-entry.js';
import { defaultProvider, providerEntry } from './providers/registry.js';
import { PooledConnector } from './ssh/pooled-connector.js';
import { defaultTrayHome, FileHostKeyStore } from './ssh/known-hosts.js';
import type { SshTarget } from './ssh/ssh-session.js';
import { Ssh2Connector } from './ssh/ssh2-connector.js';
import { sshOfferedHostKey } from './ssh/offered-host-key.js';
import { ScenarioFile } from './simulator/scenario-source.js';

export interface EnvironmentOptions extends ProviderOptions {
  /** Which provider to ask (a registry name); by default the host's (registry.defaultProvider). */
  provider?: string;
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
  /** Told what the user must see once (a TLS certificate pinned on first use, or accepted as renewed). */
  onNotice?: (text: string) => void;
  /** The host's OS (by default this one's): passed in so that macOS is tested on Linux. */
  platform?: NodeJS.Platform;
}

export interface Environment extends EngineDeps {
  hostKeys: FileHostKeyStore;
  /** The connection pool, when keepConnections was asked for. */
  pool: PooledConnector | null;
  /** The PowerShell the Hyper-V provider uses (doctor runs its checks through it too). */
  powershell?: PowerShellRunner;
  /** Present when simulating: counts invocations, holds the simulated guests' files. */
  simulator?: ProviderParts['simulator'];
  dispose(): Promise<void>;
}

const OPTION_FLAGS: Record<keyof ProviderOptions, string> = { simulate: '--simulate', manifest: '--manifest', quickemu: '--quickemu', libvirt: '--libvirt', proxmox: '--proxmox', proxmoxToken: '--proxmox-token', proxmoxTokenValue: 'the stored API token' };

export async function createEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const entry = providerEntry(options.provider ?? defaultProvider(options, options.platform));
  for (const key of Object.keys(OPTION_FLAGS) as Array<keyof ProviderOptions>) {
    if (options[key] !== undefined && !entry.options[key]) {
      // Named by its flag, never by its value: a value may be a secret (a stored API token).
      throw new InputError(OPTION_FLAGS[key], [{ field: null, problem: `is for another provider: it does not apply to --provider ${entry.name}` }], `Drop ${OPTION_FLAGS[key]} or --provider ${entry.name}.`);
    }
  }
  // Simulated guests' keys never go into the file that pins real guests' keys.
  const simulatedNetwork = !!options.simulate && (await new ScenarioFile(path.resolve(options.simulate)).current()).network !== 'real';
  const pinFile = options.knownHostsFile ?? path.join(defaultTrayHome(), simulatedNetwork ? 'known_hosts.simulated.json' : 'known_hosts.json');
  const hostKeys = new FileHostKeyStore(pinFile);
  const ssh2 = new Ssh2Connector({ hostKeys, connectTimeoutMs: options.connectTimeoutMs, onFirstUse: options.onFirstUse });
  const pool = options.keepConnections ? new PooledConnector(ssh2) : null;
  const net: Pick<EngineDeps, 'connector' | 'probe' | 'offeredHostKey'> = { connector: pool ?? ssh2, probe: sshProbe(), offeredHostKey: sshOfferedHostKey() };
  const parts = await entry.create(options, { hostKeys, net, log: options.log, logger: options.logger, powershellTimeoutMs: options.powershellTimeoutMs ?? 30_000, onFirstUse: options.onFirstUse, onNotice: options.onNotice, platform: options.platform ?? process.platform });
  return {
    provider: parts.provider,
    ...(parts.net ?? net),
    ...(parts.powershell ? { powershell: parts.powershell } : {}),
    ...(parts.simulator ? { simulator: parts.simulator } : {}),
    hostKeys,
    pool,
    hostsMemory: options.keepConnections ? new Map() : undefined,
    dispose: async () => (pool?.dispose(), parts.provider.dispose()),
  };
}
