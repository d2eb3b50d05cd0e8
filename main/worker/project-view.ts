// Turns a pass's plan records into the views the window shows: pure, and a straight mapping of
// what the plan decided (nothing is re-derived here), plus the registry's labels for tiers and
// the provider's own facts.

import { vmKey, type DuplicateView, type HostsSyncView, type ProjectView, type VmView } from '../../contract/api.js';
import type { ReconcileOutcome } from '../engine/reconcile.js';
import { peerName, type DuplicateGroup, type ProjectPlan } from '../engine/plan/plan.js';
import type { VmRecord } from '../engine/plan/vm-record.js';
import type { VmRef } from '../engine/discovery/observation.js';
import { PROVIDERS, tierInfo } from '../engine/providers/registry.js';
import { historyOf, type AddressHistory, type AddressSeen } from '../engine/history/address-history.js';

/** `history`: the VM's last addresses as the tray recorded them (newest first). */
export function vmView(configPath: string, r: VmRecord, history: AddressSeen[] = []): VmView {
  const provider = PROVIDERS.find((p) => p.name === r.detail.provider);
  return {
    key: vmKey(configPath, r.machineName),
    machineName: r.machineName,
    vmName: r.vmName,
    status: r.status,
    vmState: r.vmState,
    provider: provider?.label ?? r.detail.provider,
    lookedIn: r.lookedIn,
    ipv4: r.ipv4,
    ipv6: r.ipv6,
    tier: r.tier ? { id: r.tier, ...tierInfo(r.tier) } : null,
    mac: r.mac,
    discoveredAt: r.recorded?.discoveredAt ?? null,
    previousIpv4: r.recorded?.previousIpv4 ?? null,
    // A stopped VM's last address moved to previousIpv4 when it stopped; a running one with no
    // IPv4 yet still has it in ipv4 (the plan never records an unknown).
    lastKnownIpv4: r.ipv4 ? null : (r.recorded?.ipv4 ?? r.recorded?.previousIpv4 ?? null),
    hostsStale: false,
    hostsSkip: r.syncable.action === 'skip' ? r.syncable.reason : null,
    problems: [],
    muted: [],
    facts: provider?.facts(r.detail) ?? [],
    sshOpen: r.sshOpen,
    sshAt: r.forward ? `${r.forward.host}:${r.forward.port}` : null,
    duplicateOf: r.duplicateOf.map((v) => peerName(configPath, v)),
    warnings: r.warnings.map((w) => ({ code: w.code, text: w.text, ...(w.brief ? { brief: w.brief } : {}) })),
    sync: null,
    history,
  };
}

/** A VM the hypervisor could not be asked about (a cause of the host hides it): unknown, with its last recorded IPv4. */
export function unknownVmView(configPath: string, ref: VmRef, lookedIn: string, history: AddressSeen[] = []): VmView {
  return {
    key: vmKey(configPath, ref.machineName), machineName: ref.machineName, vmName: ref.vmName, status: 'unknown', vmState: 'Unknown', provider: lookedIn, lookedIn,
    ipv4: null, ipv6: [], tier: null, mac: null, discoveredAt: null, previousIpv4: null, lastKnownIpv4: ref.lastKnown?.ipv4 ?? null,
    hostsStale: false, hostsSkip: `${lookedIn} could not be asked`, problems: [], muted: [], facts: [], sshOpen: null, sshAt: null, duplicateOf: [], warnings: [], sync: null, history,
  };
}

export function buildProjectView(configPath: string, plan: ProjectPlan, projectWarnings: string[], history: AddressHistory = {}): ProjectView {
  return { configPath, name: plan.project, error: null, vms: plan.vms.map((r) => vmView(configPath, r, historyOf(history, configPath, r.machineName))), hostsBlock: plan.hostsBlock, warnings: projectWarnings };
}

/** This pass's sync results by VM key; with `only`, just those machines' (the others keep theirs). */
export function syncViews(configPath: string, outcome: ReconcileOutcome, at: string, only?: string[]): Record<string, HostsSyncView> {
  const views: Record<string, HostsSyncView> = {};
  for (const r of outcome.result.hostsSyncResults) {
    if (only && !only.includes(r.machineName)) continue;
    const s = outcome.sync.find((x) => x.machineName === r.machineName);
    views[vmKey(configPath, r.machineName)] = { success: r.success, skipped: r.skipped, changed: s?.changed ?? false, message: r.error ?? r.skipReason ?? null, problem: s?.problem ?? null, at };
  }
  return views;
}

export function duplicateViews(duplicates: DuplicateGroup[]): DuplicateView[] {
  return duplicates.map((g) => ({ ip: g.ip, vms: g.vms.map((v) => ({ project: v.project, machineName: v.machineName })) }));
}
