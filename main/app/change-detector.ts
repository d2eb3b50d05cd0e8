// What deserves a notification after a pass: each recorded IPv4 change (old → new, appeared,
// lost), a VM that was stopped (said as stopped, not as an address lost), a running VM whose IPv4
// is no longer known (its last known address and why), a VM the hypervisor no longer lists (and
// all of a project's at once, as one change), and each duplicate IP. Pure; a duplicate, an
// unknown address or a missing VM already reported is not reported again until it has cleared.

import type { DuplicateView, IpChange, ProjectView, VmView } from '../../contract/api.js';
import type { IpDiff } from '../worker/worker-protocol.js';

export const duplicateSignature = (d: DuplicateView) => `${d.ip}|${d.vms.map((v) => `${v.project}/${v.machineName}`).join(',')}`;

/** What was reported already and still holds: the next pass reports only what is new. */
export interface Reported {
  duplicates: ReadonlySet<string>;
  unknown: ReadonlySet<string>;
  missing: ReadonlySet<string>;
}

export const NOTHING_REPORTED: Reported = { duplicates: new Set(), unknown: new Set(), missing: new Set() };

/** Listed before, not now (a VM never created is not missing). */
const isMissing = (vm: VmView) => vm.status === 'missing' && !vm.warnings.some((w) => w.code === 'not-created');

export function detectChanges(ipDiffs: IpDiff[], duplicates: DuplicateView[], projects: ProjectView[], before: Reported): { changes: IpChange[]; reported: Reported } {
  const vms = new Map(projects.flatMap((p) => p.vms.map((v) => [v.key, v] as const)));
  const changes: IpChange[] = ipDiffs.flatMap((d): IpChange[] => {
    const base = { key: d.key, configPath: d.configPath, project: d.project, machineName: d.machineName };
    const vm = vms.get(d.key);
    const hostsSkip = vm?.hostsSkip ?? null;
    if (d.from && d.to) return [{ kind: 'changed', ...base, from: d.from, to: d.to, hostsSkip }];
    if (d.to) return [{ kind: 'appeared', ...base, to: d.to, hostsSkip }];
    if (vm?.status === 'stopped') return [{ kind: 'stopped', ...base, from: d.from }];
    if (vm && isMissing(vm)) return []; // said as missing below
    if (d.from) return [{ kind: 'lost', ...base, from: d.from, why: null }];
    return [];
  });
  const unknown = new Set<string>();
  const missing = new Set<string>();
  for (const p of projects) {
    const project = p.name ?? p.configPath;
    const newlyMissing: VmView[] = [];
    for (const vm of p.vms) {
      if (isMissing(vm)) {
        missing.add(vm.key);
        if (!before.missing.has(vm.key)) newlyMissing.push(vm);
      }
      // Running (it lost its address) or initializing, with no address now but a last known one.
      if ((vm.status !== 'running' && vm.status !== 'initializing') || vm.ipv4 || vm.sshAt || !vm.lastKnownIpv4) continue;
      unknown.add(vm.key);
      const why = vm.facts.find((f) => f.ok === false);
      if (!before.unknown.has(vm.key)) changes.push({ kind: 'lost', key: vm.key, configPath: p.configPath, project, machineName: vm.machineName, from: vm.lastKnownIpv4, why: why ? `${why.label} ${why.value}` : null });
    }
    if (newlyMissing.length === 0) continue;
    // Every VM of the project gone at once: one change (deleted, or a hypervisor reset), not one per VM.
    if (p.vms.length > 1 && p.vms.every(isMissing)) changes.push({ kind: 'gone', key: `${p.configPath}#*`, configPath: p.configPath, project, count: p.vms.length, lookedIn: p.vms[0]!.lookedIn });
    else for (const vm of newlyMissing) changes.push({ kind: 'missing', key: vm.key, configPath: p.configPath, project, machineName: vm.machineName, lookedIn: vm.lookedIn });
  }
  const reportedDuplicates = new Set<string>();
  for (const d of duplicates) {
    const sig = duplicateSignature(d);
    reportedDuplicates.add(sig);
    if (!before.duplicates.has(sig)) changes.push({ kind: 'duplicate', key: sig, ip: d.ip, machines: d.vms.map((v) => v.machineName) });
  }
  return { changes, reported: { duplicates: reportedDuplicates, unknown, missing } };
}

export function describeChange(c: IpChange): { title: string; body: string } {
  switch (c.kind) {
    case 'changed':
      return { title: `${c.machineName}: new IP address`, body: `${c.from} → ${c.to} (${c.project})` };
    case 'appeared':
      return { title: `${c.machineName} is on the network`, body: `${c.to} (${c.project})` };
    case 'lost':
      return c.why
        ? { title: `${c.machineName}: IP unknown (${c.why})`, body: `last known ${c.from} (${c.project})` }
        : { title: `${c.machineName} lost its IP address`, body: `was ${c.from} (${c.project})` };
    case 'stopped':
      return { title: `${c.machineName} stopped`, body: c.from ? `it had ${c.from} (${c.project})` : c.project };
    case 'missing':
      return { title: `${c.machineName}: VM missing`, body: `${c.lookedIn} no longer lists it (${c.project}); it was deleted or renamed outside Ragnatramp.` };
    case 'gone':
      return { title: `All ${c.count} VMs of ${c.project} are gone`, body: `${c.lookedIn} lists none of them any more: they were deleted outside Ragnatramp ('ragnatramp up' creates them again).` };
    case 'duplicate':
      return { title: `Duplicate IP ${c.ip}`, body: `${c.machines.join(' and ')} report the same address, likely clones sharing /etc/machine-id; their hosts sync is paused until it clears.` };
  }
}
