// Discovery at scale on the simulator: PowerShell invocations per pass (the simulator counts
// them) and the time the pure planner takes, for 1 to 1000 VMs.

import type { Project } from '../../main/engine/config/load-project.js';
import { inspectProjects } from '../../main/engine/inspect.js';
import { HyperVProvider } from '../../main/engine/providers/hyperv/hyperv-provider.js';
import { plan } from '../../main/engine/plan/plan.js';
import { fixedScenario } from '../../main/engine/simulator/scenario-source.js';
import { SimulatedPowerShell } from '../../main/engine/simulator/simulated-powershell.js';
import type { Scenario } from '../../main/engine/simulator/scenario.js';
import { median, round } from './stats.js';

export interface DiscoveryRow {
  vms: number;
  powershellInvocations: number;
  passMs: number;
  planMs: number;
}

function fleet(n: number): { scenario: Scenario; project: Project } {
  const hex = (i: number) => i.toString(16).toUpperCase().padStart(6, '0');
  const vms = Array.from({ length: n }, (_, i) => ({ machine: `m${i}`, name: `bench-m${i}-0badc0de`, id: `6f1c2d9e-0000-4000-8000-${String(i).padStart(12, '0')}`, mac: `00155D${hex(i)}`, ip: `172.${18 + Math.floor(i / 65000)}.${Math.floor(i / 250) % 250}.${(i % 250) + 2}` }));
  const scenario: Scenario = {
    // A third of the guests lack the KVP daemon: their addresses come from the neighbour table.
    vms: vms.map((v, i) => ({ name: v.name, id: v.id, kvp: i % 3 === 0 ? 'No Contact' : 'OK', adapters: [{ mac: v.mac, ipAddresses: [v.ip] }] })),
    neighbors: vms.map((v) => ({ ip: v.ip, mac: v.mac })),
  };
  return { scenario, project: benchProject('bench', vms) };
}

/** A project of these VMs, as loaded from ragnatramp.yaml and a state.json that records each (no file is read). */
export function benchProject(name: string, vms: Array<{ machine: string; name: string; id: string }>): Project {
  const configPath = `/${name}/ragnatramp.yaml`;
  return {
    name,
    configPath,
    statePath: `/${name}/.ragnatramp/state.json`,
    config: { project: { name }, machines: vms.map((v) => ({ name: v.machine })) },
    machines: vms.map((v) => ({ name: v.machine, ssh: { user: 'u', privateKeyPath: '/k' } })),
    state: { version: 1, project: name, configPath, vms: Object.fromEntries(vms.map((v) => [v.machine, { id: v.id, name: v.name, machineName: v.machine }])) },
    vms: vms.map((v) => ({ project: name, machineName: v.machine, vmName: v.name, vmId: v.id })),
    warnings: [],
  };
}

export async function benchDiscovery(sizes: number[]): Promise<DiscoveryRow[]> {
  const rows: DiscoveryRow[] = [];
  for (const n of sizes) {
    const { scenario, project } = fleet(n);
    const ps = new SimulatedPowerShell(fixedScenario(scenario), { timeoutMs: 60_000 });
    const deps = { provider: new HyperVProvider(ps), probe: async () => true, connector: { connect: () => Promise.reject(new Error('not used')) } };
    const started = performance.now();
    const inspection = await inspectProjects(deps, [project], { waitMs: 0, pollMs: 3000 });
    const passMs = performance.now() - started;
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      plan({ projects: inspection.facts, now: new Date().toISOString(), syncHosts: true });
      times.push(performance.now() - t);
    }
    rows.push({ vms: n, powershellInvocations: ps.invocations, passMs: round(passMs, 1), planMs: round(median(times), 2) });
  }
  return rows;
}
