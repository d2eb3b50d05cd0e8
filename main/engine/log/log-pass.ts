// What a reconcile pass did, for the log: per project the VMs with their IP, tier and status,
// whether state.json was written, and every hosts-sync (SSH) failure with its VM.

import type { ReconcileOutcome } from '../reconcile.js';
import type { Log } from './log-file.js';

export function logPass(log: Log, outcomes: ReconcileOutcome[], syncHosts: boolean): void {
  for (const o of outcomes) {
    log.info('pass', {
      project: o.plan.project,
      configPath: o.plan.configPath,
      syncHosts,
      vms: o.plan.vms.map((r) => ({ machine: r.machineName, status: r.status, ipv4: r.ipv4, tier: r.tier, warnings: r.warnings.map((w) => w.code) })),
      changes: o.result.diffs.length,
      stateWritten: o.stateWritten,
      ...(o.stateError ? { stateError: o.stateError } : {}),
    });
    for (const r of o.result.hostsSyncResults) {
      if (!r.success) log.warn('ssh failure', { project: o.plan.project, configPath: o.plan.configPath, machine: r.machineName, error: r.error });
    }
  }
}
