// Builds throwaway Ragnatramp projects on disk for tests: ragnatramp.yaml, state.json in the
// CLI's format, a scenario file and an SSH key path, in a fresh temp folder.

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Scenario } from '../../main/engine/simulator/scenario.js';

export interface FixtureVm {
  machine: string;
  id?: string;
  /** Hyper-V name; defaults to `{project}-{machine}-a1b2c3d4`. */
  name?: string;
  network?: unknown;
}

export interface Fixture {
  dir: string;
  configPath: string;
  statePath: string;
  scenarioPath: string;
  keyPath: string;
  knownHostsPath: string;
}

export function vmId(n: number): string {
  return `6f1c2d9e-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export function makeFixture(options: {
  project?: string;
  machines: string[];
  vms?: FixtureVm[];
  scenario?: Scenario;
  configText?: string;
}): Fixture {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-fixture-'));
  const project = options.project ?? 'myproject';
  const configPath = path.join(dir, 'ragnatramp.yaml');
  const keyPath = path.join(dir, 'id_test');
  writeFileSync(keyPath, 'not a real key; the simulator only checks that it can be read\n');
  writeFileSync(
    configPath,
    options.configText ??
      stringify({
        project: { name: project },
        defaults: { base_image: 'C:/images/ubuntu.vhdx', ssh: { user: 'ubuntu', private_key: './id_test' } },
        machines: options.machines.map((name) => ({ name })),
      }),
  );
  const statePath = path.join(dir, '.ragnatramp', 'state.json');
  if (options.vms) {
    mkdirSync(path.dirname(statePath));
    const vms = Object.fromEntries(
      options.vms.map((v, i) => [
        v.machine,
        {
          id: v.id ?? vmId(i + 1),
          name: v.name ?? `${project}-${v.machine}-a1b2c3d4`,
          machineName: v.machine,
          diskPath: `C:\\vms\\${v.machine}.vhdx`,
          createdAt: '2026-01-01T00:00:00.000Z',
          checkpoints: [],
          ...(v.network ? { network: v.network } : {}),
        },
      ]),
    );
    const state = { version: 1, configHash: '1a2b3c4d', configPath, project, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', vms };
    writeFileSync(statePath, JSON.stringify(state, null, 2));
  }
  const scenarioPath = path.join(dir, 'scenario.yaml');
  if (options.scenario) writeFileSync(scenarioPath, stringify(options.scenario));
  return { dir, configPath, statePath, scenarioPath, keyPath, knownHostsPath: path.join(dir, 'known_hosts.json') };
}
