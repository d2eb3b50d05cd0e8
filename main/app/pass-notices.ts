// How one pass's changes read as notifications: one cause, one message, one action. A host
// reboot that renumbers several VMs is one notice ("3 VMs renumbered · hosts out of date") with
// one "Sync now"; Sync now is offered only when hosts are not synced automatically and the sync
// would not skip the VMs that moved (a change that made a duplicate is skipped by that sync). Pure.

import type { IpChange } from '../../contract/api.js';
import { describeChange } from './change-detector.js';

/** The action's name, the same everywhere (the window's notices use it too). */
export const SYNC_NOW = 'Sync now';

export interface PassNotice {
  /** Stable for the same news: the same text for the same key is not shown twice. */
  key: string;
  title: string;
  body: string;
  /** The VM a click brings into view (null: the list). */
  vmKey: string | null;
  /** The projects Sync now reconciles; null: no action offered. */
  sync: string[] | null;
}

const moved = (c: IpChange): c is Extract<IpChange, { kind: 'changed' | 'appeared' }> => c.kind === 'changed' || c.kind === 'appeared';

export function passNotices(changes: IpChange[], autoSync: boolean): PassNotice[] {
  const renumbered = changes.filter((c): c is Extract<IpChange, { kind: 'changed' }> => c.kind === 'changed');
  const offer = (cs: Array<Extract<IpChange, { kind: 'changed' | 'appeared' }>>) => {
    const syncable = cs.filter((c) => !c.hostsSkip);
    return autoSync || syncable.length === 0 ? null : [...new Set(syncable.map((c) => c.configPath))];
  };
  const hostsWord = (cs: Array<Extract<IpChange, { kind: 'changed' | 'appeared' }>>) => (autoSync ? 'hosts being synced' : cs.every((c) => c.hostsSkip) ? `hosts sync skipped: ${cs[0]!.hostsSkip}` : 'hosts out of date');
  const out: PassNotice[] = [];
  if (renumbered.length > 1) {
    out.push({
      key: `renumbered:${renumbered.map((c) => c.key).join(',')}`,
      title: `${renumbered.length} VMs renumbered · ${hostsWord(renumbered)}`,
      body: renumbered.map((c) => `${c.machineName} ${c.from} → ${c.to}`).join(', '),
      vmKey: null,
      sync: offer(renumbered),
    });
  }
  for (const c of changes) {
    if (renumbered.length > 1 && c.kind === 'changed') continue;
    const { title, body } = describeChange(c);
    if (!moved(c)) {
      out.push({ key: c.key, title, body, vmKey: c.kind === 'duplicate' || c.kind === 'gone' ? null : c.key, sync: null });
      continue;
    }
    out.push({ key: c.key, title, body: `${body} · ${hostsWord([c])}`, vmKey: c.key, sync: offer([c]) });
  }
  return out;
}
