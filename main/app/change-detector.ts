// What deserves a notification after a pass: each recorded IPv4 change (old → new, appeared,
// lost), and each duplicate IP the moment it appears. Pure; a duplicate already reported is
// not reported again until it has cleared.

import type { DuplicateView, IpChange } from '../../contract/api.js';
import type { IpDiff } from '../worker/worker-protocol.js';

export const duplicateSignature = (d: DuplicateView) => `${d.ip}|${d.vms.map((v) => `${v.project}/${v.machineName}`).join(',')}`;

export function detectChanges(ipDiffs: IpDiff[], duplicates: DuplicateView[], reportedDuplicates: ReadonlySet<string>): { changes: IpChange[]; reported: Set<string> } {
  const changes: IpChange[] = ipDiffs.flatMap((d): IpChange[] => {
    const base = { key: d.key, project: d.project, machineName: d.machineName };
    if (d.from && d.to) return [{ kind: 'changed', ...base, from: d.from, to: d.to }];
    if (d.to) return [{ kind: 'appeared', ...base, to: d.to }];
    if (d.from) return [{ kind: 'lost', ...base, from: d.from }];
    return [];
  });
  const reported = new Set<string>();
  for (const d of duplicates) {
    const sig = duplicateSignature(d);
    reported.add(sig);
    if (!reportedDuplicates.has(sig)) changes.push({ kind: 'duplicate', key: sig, ip: d.ip, machines: d.vms.map((v) => v.machineName) });
  }
  return { changes, reported };
}

export function describeChange(c: IpChange): { title: string; body: string } {
  switch (c.kind) {
    case 'changed':
      return { title: `${c.machineName}: new IP address`, body: `${c.from} → ${c.to} (${c.project})` };
    case 'appeared':
      return { title: `${c.machineName} is on the network`, body: `${c.to} (${c.project})` };
    case 'lost':
      return { title: `${c.machineName} lost its IP address`, body: `was ${c.from} (${c.project})` };
    case 'duplicate':
      return { title: `Duplicate IP ${c.ip}`, body: `${c.machines.join(' and ')} report the same address; their hosts sync is paused until it clears.` };
  }
}
