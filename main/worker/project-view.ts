// Turns one project's reconcile outcome into the view the UI shows: pure, so what a row says
// is decided in one place and tested without a window.

import type { DuplicateView, HostsSyncView, ProjectView, VmView } from '../../contract/api.js';
import type { ReconcileOutcome } from '../engine/reconcile.js';
import type { DuplicateGroup } from '../engine/plan/plan.js';

export const vmKey = (configPath: string, machineName: string) => `${configPath}#${machineName}`;

export function buildProjectView(configPath: string, outcome: ReconcileOutcome, duplicates: DuplicateGroup[]): ProjectView {
  const { facts, plan, diagnostics } = outcome;
  const vms: VmView[] = plan.vms.map((v) => {
    const o = facts.observations.find((x) => x.ref.machineName === v.machineName)!;
    const d = diagnostics.find((x) => x.machineName === v.machineName)!;
    const network = o.discovery.network;
    const ip = network?.ipv4 ?? null;
    const group = ip ? duplicates.find((g) => g.ip === ip && g.vms.some((m) => m.configPath === configPath && m.machineName === v.machineName)) : undefined;
    return {
      key: vmKey(configPath, v.machineName),
      machineName: v.machineName,
      vmName: v.vmName,
      status: v.status,
      vmState: o.discovery.vmState,
      ipv4: v.status === 'stopped' || v.status === 'missing' ? null : ip,
      ipv6: network?.ipv6 ?? [],
      tier: o.discovery.tier,
      mac: network?.mac ?? v.network?.mac ?? null,
      discoveredAt: v.network?.discoveredAt ?? null,
      previousIpv4: v.network?.previousIpv4 ?? null,
      kvpStatus: d.kvpStatus,
      sshReachable: d.sshReachable,
      duplicateOf: group ? group.vms.filter((m) => m.configPath !== configPath || m.machineName !== v.machineName).map((m) => (m.configPath === configPath ? m.machineName : `${m.project}/${m.machineName}`)) : [],
      warnings: d.warnings,
      sync: null,
    };
  });
  return { configPath, name: plan.project, error: null, vms, hostsBlock: plan.hostsBlock, warnings: [...plan.warnings] };
}

export function syncViews(configPath: string, outcome: ReconcileOutcome, at: string): Record<string, HostsSyncView> {
  const views: Record<string, HostsSyncView> = {};
  for (const r of outcome.result.hostsSyncResults) {
    const s = outcome.sync.find((x) => x.machineName === r.machineName);
    views[vmKey(configPath, r.machineName)] = { success: r.success, skipped: r.skipped, changed: s?.changed ?? false, message: r.error ?? r.skipReason ?? null, at };
  }
  return views;
}

export function duplicateViews(duplicates: DuplicateGroup[]): DuplicateView[] {
  return duplicates.map((g) => ({ ip: g.ip, vms: g.vms.map((v) => ({ project: v.project, machineName: v.machineName })) }));
}
