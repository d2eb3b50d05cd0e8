// What deserves a notification after a pass: each recorded IPv4 change (old → new, appeared,
// lost), a running VM whose IPv4 is no longer known (its last known address and why), and each
// duplicate IP. Pure; a duplicate or an unknown address already reported is not reported again
// until it has cleared.

import type { DuplicateView, IpChange, ProjectView } from '../../contract/api.js';
import type { IpDiff } from '../worker/worker-protocol.js';

export const duplicateSignature = (d: DuplicateView) => `${d.ip}|${d.vms.map((v) => `${v.project}/${v.machineName}`).join(',')}`;

/** What was reported already and still holds: the next pass reports only what is new. */
export interface Reported {
  duplicates: ReadonlySet<string>;
  unknown: ReadonlySet<string>;
}

export const NOTHING_REPORTED: Reported = { duplicates: new Set(), unknown: new Set() };

export function detectChanges(ipDiffs: IpDiff[], duplicates: DuplicateView[], projects: ProjectView[], before: Reported): { changes: IpChange[]; reported: Reported } {
  const changes: IpChange[] = ipDiffs.flatMap((d): IpChange[] => {
    const base = { key: d.key, configPath: d.configPath, project: d.project, machineName: d.machineName };
    if (d.from && d.to) return [{ kind: 'changed', ...base, from: d.from, to: d.to }];
    if (d.to) return [{ kind: 'appeared', ...base, to: d.to }];
    if (d.from) return [{ kind: 'lost', ...base, from: d.from, why: null }];
    return [];
  });
  const unknown = new Set<string>();
  for (const p of projects) {
    for (const vm of p.vms) {
      // Running (it lost its address) or initializing, with no address now but a last known one.
      if ((vm.status !== 'running' && vm.status !== 'initializing') || vm.ipv4 || vm.sshAt || !vm.lastKnownIpv4) continue;
      unknown.add(vm.key);
      const why = vm.facts.find((f) => f.ok === false);
      if (!before.unknown.has(vm.key)) changes.push({ kind: 'lost', key: vm.key, configPath: p.configPath, project: p.name ?? p.configPath, machineName: vm.machineName, from: vm.lastKnownIpv4, why: why ? `${why.label} ${why.value}` : null });
    }
  }
  const reportedDuplicates = new Set<string>();
  for (const d of duplicates) {
    const sig = duplicateSignature(d);
    reportedDuplicates.add(sig);
    if (!before.duplicates.has(sig)) changes.push({ kind: 'duplicate', key: sig, ip: d.ip, machines: d.vms.map((v) => v.machineName) });
  }
  return { changes, reported: { duplicates: reportedDuplicates, unknown } };
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
    case 'duplicate':
      return { title: `Duplicate IP ${c.ip}`, body: `${c.machines.join(' and ')} report the same address, likely clones sharing /etc/machine-id; their hosts sync is paused until it clears.` };
  }
}
