// Loads one Ragnatramp project: validates ragnatramp.yaml, resolves each machine's SSH settings,
// reads .ragnatramp/state.json beside it, and lists the VMs the engine should look at.

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, type InputProblem } from '../errors.js';
import { warning, type Warning } from '../warning.js';
import type { VmRef } from '../discovery/observation.js';
import type { ResolvedSSHConfig } from '../seed-types.js';
import { compareText } from '../compare-text.js';
import { configSchema, type RagnatrampConfig, type SshBlock } from './config-schema.js';
import { expandPath, UnsetVariableError } from './expand-path.js';
import { parseYaml } from './read-yaml.js';
import { schemaProblems } from './schema-problems.js';
import { readStateFile, statePathFor, type StateFile } from '../state/state-file.js';
import type { ProjectSource } from './watched-project.js';
import type { ProjectNames } from '../plan/host-names.js';

export interface ResolvedMachine {
  name: string;
  ssh?: ResolvedSSHConfig;
}

export interface Project {
  name: string;
  /** The project's key: its ragnatramp.yaml's absolute path, or a provider-defined project's key (watched-project.ts). */
  configPath: string;
  /** Ragnatramp's state.json, or for a provider-defined project the tray's own state file. */
  statePath: string;
  /** ragnatramp.yaml as read; absent for a provider-defined project, which has none. */
  config?: RagnatrampConfig;
  /** Set for a provider-defined project: its definition and which of the hypervisor's VMs it takes. */
  source?: ProjectSource;
  /** Per project, from the app's settings: a domain suffix and each VM's extra names (the plan checks them). */
  names?: ProjectNames;
  machines: ResolvedMachine[];
  /** null when the project has no state.json yet (`ragnatramp up` never ran). */
  state: StateFile | null;
  /** Every VM to observe: state.json's VMs, then config machines state.json lacks. */
  vms: VmRef[];
  /** Things worth telling the user that do not stop the project from loading. */
  warnings: Warning[];
}

const CONFIG_FIX = 'Fix ragnatramp.yaml and try again; nothing was written.';
const MAX_CONFIG_BYTES = 1024 * 1024;

export async function loadProject(configPath: string, env: NodeJS.ProcessEnv = process.env): Promise<Project> {
  const file = path.resolve(configPath);
  let text: string;
  try {
    // A config is a few hundred bytes; a device or a huge file is not one (and must not be read whole).
    const info = await stat(file);
    if (!info.isFile()) throw new InputError(file, [{ field: null, problem: 'is not a regular file' }], 'Give the path of a ragnatramp.yaml.');
    if (info.size > MAX_CONFIG_BYTES) throw new InputError(file, [{ field: null, problem: `is ${info.size} bytes long, too large for a ragnatramp.yaml` }], 'Give the path of a ragnatramp.yaml.');
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    // Said in words the window and the command line share (no "--config").
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, [{ field: null, problem: code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})` }], 'Check the path of the ragnatramp.yaml.');
  }
  const config = parseConfig(file, text, env);
  const statePath = statePathFor(file);
  const state = await readStateFile(statePath);
  const machines = resolveMachines(file, config, env);
  const warnings: Warning[] = [];
  if (state && state.project !== config.project.name) {
    warnings.push(warning('state-other-project', `${statePath} belongs to project '${state.project}' but ${file} names '${config.project.name}'; using the config's name.`));
  }
  return { name: config.project.name, configPath: file, statePath, config, machines, state, vms: vmRefs(file, config, state), warnings };
}

export function parseConfig(file: string, text: string, env: NodeJS.ProcessEnv = process.env): RagnatrampConfig {
  const { data, locate } = parseYaml(file, text, CONFIG_FIX);
  // Another kind of file (picked by mistake, or named by a hostile caller) gets one line, not a
  // problem per line that would quote it back.
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('project' in data || 'machines' in data)) {
    throw new InputError(file, [{ field: null, problem: "is not a Ragnatramp project file: it has no 'project:' or 'machines:' at the top level" }], 'Give the path of the ragnatramp.yaml of a Ragnatramp project.');
  }
  const problems = schemaProblems(configSchema, data, locate);
  if (problems.length > 0) throw new InputError(file, problems, CONFIG_FIX);
  const config = data as RagnatrampConfig;
  const extra: InputProblem[] = [];
  const seen = new Map<string, number>();
  config.machines.forEach((m, i) => {
    const key = m.name.toLowerCase();
    if (seen.has(key)) {
      extra.push({ field: `machines[${i}].name`, ...locate(['machines', i, 'name']), problem: `'${m.name}' is already the name of machines[${seen.get(key)}]; machine names must be unique` });
    } else seen.set(key, i);
    if (!config.defaults?.base_image && !m.base_image) {
      extra.push({ field: `machines[${i}].base_image`, ...locate(['machines', i]), problem: 'is required because defaults.base_image is not set' });
    }
  });
  if (extra.length > 0) throw new InputError(file, extra, CONFIG_FIX);
  resolveMachines(file, config, env); // surfaces unset variables in SSH paths now, with the field named
  return config;
}

function resolveMachines(file: string, config: RagnatrampConfig, env: NodeJS.ProcessEnv): ResolvedMachine[] {
  const dir = path.dirname(file);
  return config.machines.map((m, i) => {
    const block = m.ssh ?? config.defaults?.ssh;
    if (!block) return { name: m.name };
    const field = m.ssh ? `machines[${i}].ssh.private_key` : 'defaults.ssh.private_key';
    return { name: m.name, ssh: resolveSsh(file, field, block, dir, env) };
  });
}

function resolveSsh(file: string, field: string, block: SshBlock, dir: string, env: NodeJS.ProcessEnv): ResolvedSSHConfig {
  try {
    return { user: block.user, privateKeyPath: expandPath(block.private_key, dir, env) };
  } catch (err) {
    if (err instanceof UnsetVariableError) {
      throw new InputError(file, [{ field, problem: `${err.message} (in ${JSON.stringify(block.private_key)})` }], `Set ${err.variable} or write the path out in full.`);
    }
    throw err;
  }
}

/** Ragnatramp's VM naming: `{project}-{machine}-{hash8}`, hash8 from the config's absolute path. */
export function expectedVmName(project: string, machine: string, configPath: string): string {
  const hash8 = createHash('sha256').update(configPath.replace(/\\/g, '/').toLowerCase()).digest('hex').slice(0, 8);
  return `${project}-${machine}-${hash8}`;
}

function vmRefs(configPath: string, config: RagnatrampConfig, state: StateFile | null): VmRef[] {
  const project = config.project.name;
  const refs: VmRef[] = Object.entries(state?.vms ?? {}).map(([machineName, vm]) => ({ project, machineName, vmName: vm.name, vmId: vm.id || null, ...(vm.network?.ipv4 ? { lastKnown: { ipv4: vm.network.ipv4 } } : {}) }));
  const known = new Set(refs.map((r) => r.machineName));
  for (const m of config.machines) {
    if (!known.has(m.name)) refs.push({ project, machineName: m.name, vmName: expectedVmName(project, m.name, state?.configPath ?? configPath), vmId: null });
  }
  return refs.sort((a, b) => compareText(a.machineName, b.machineName));
}
