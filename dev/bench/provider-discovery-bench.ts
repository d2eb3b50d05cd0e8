// Discovery per provider against real guests: one full inspection pass (the provider's observe,
// the SSH port probes and the plan: what the app does at every poll) over the first 1, 4 and 16
// guests of a lab, through the provider given; the median of several passes.

import { createEnvironment } from '../../main/engine/environment.js';
import { loadProject, type Project } from '../../main/engine/config/load-project.js';
import { inspectProjects } from '../../main/engine/inspect.js';
import type { ProviderOptions } from '../../main/engine/providers/provider-entry.js';
import { median, round } from './stats.js';

export interface ProviderDiscoveryRow {
  provider: string;
  vms: number;
  /** Median wall time of one inspection pass, ms. */
  passMs: number;
  /** How the VMs' addresses were found in the last pass: tier → count ('forward': a port forward). */
  tiers: Record<string, number>;
}

/** The project with only its first `n` machines. */
function firstMachines(project: Project, n: number): Project {
  const names = new Set(project.machines.slice(0, n).map((m) => m.name));
  return { ...project, machines: project.machines.filter((m) => names.has(m.name)), vms: project.vms.filter((r) => names.has(r.machineName)) };
}

export async function benchProviderDiscovery(provider: string, options: ProviderOptions, config: string, sizes: number[], knownHostsFile: string, runs = 7): Promise<ProviderDiscoveryRow[]> {
  const env = await createEnvironment({ provider, ...options, knownHostsFile, keepConnections: true });
  const project = await loadProject(config);
  const rows: ProviderDiscoveryRow[] = [];
  try {
    for (const n of sizes) {
      const subset = firstMachines(project, n);
      await inspectProjects(env, [subset], { waitMs: 0, pollMs: 3000 }); // warm: connections, code paths
      const times: number[] = [];
      let tiers: Record<string, number> = {};
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const inspection = await inspectProjects(env, [subset], { waitMs: 0, pollMs: 3000 });
        times.push(performance.now() - started);
        tiers = {};
        for (const r of inspection.plan.projects[0]!.vms) {
          const how = r.tier ?? (r.forward ? 'forward' : 'none');
          tiers[how] = (tiers[how] ?? 0) + 1;
        }
      }
      rows.push({ provider, vms: n, passMs: round(median(times), 1), tiers });
    }
  } finally {
    await env.dispose();
  }
  return rows;
}
