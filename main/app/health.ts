// The tray's overall health and its one-line summary, from the app state. Pure.

import type { AppState, Health } from '../../contract/api.js';

export function computeHealth(s: Pick<AppState, 'busy' | 'hypervisorError' | 'projects' | 'duplicates' | 'engineLost'>): Health {
  // Blue only for a reconcile the user asked for: a background watch pass every few seconds
  // would make the icon flicker (and rebuild it twice a pass).
  if (s.busy === 'reconciling') return 'working';
  if (s.hypervisorError || s.engineLost) return 'error';
  // Nothing watched is not "all good": grey until a project is added.
  if (s.projects.length === 0) return 'idle';
  const attention = s.projects.some((p) => p.error || p.stale) || s.duplicates.length > 0 || s.projects.some((p) => p.vms.some((v) => v.problems.length > 0));
  return attention ? 'attention' : 'good';
}

export function summarize(s: Pick<AppState, 'projects' | 'lastPassAt' | 'hypervisorError' | 'paused' | 'engineLost'>, now: Date): string {
  const line = passSummary(s, now);
  return s.engineLost ? `${s.engineLost} · ${line}` : line;
}

function passSummary(s: Pick<AppState, 'projects' | 'lastPassAt' | 'hypervisorError' | 'paused'>, now: Date): string {
  const vms = s.projects.flatMap((p) => p.vms);
  if (s.hypervisorError) {
    // The cause leads (the error's first line); then what the rows are: history.
    const seen = s.projects.flatMap((p) => (p.stale && p.seenAt ? [p.seenAt] : [])).sort().at(-1);
    const stale = s.projects.filter((p) => p.stale).flatMap((p) => p.vms).length;
    const history = stale > 0 && seen ? [`${stale} VM${stale === 1 ? '' : 's'} as last seen ${ago(new Date(seen), now)}`] : [];
    return `${[s.hypervisorError.split('\n')[0], ...history].join(' · ')}${s.paused ? ' · paused' : ''}`;
  }
  if (s.projects.length === 0) return 'Nothing watched yet: add a project';
  const running = vms.filter((v) => v.status === 'running').length;
  const synced = vms.filter((v) => v.ipv4 && v.status === 'running');
  const hosts = synced.length === 0 ? null : synced.some((v) => v.sync && !v.sync.success) ? 'hosts sync failed' : synced.some((v) => v.hostsStale) ? 'hosts out of date' : synced.every((v) => v.sync && v.sync.success && !v.sync.skipped) ? 'hosts in sync' : 'hosts not synced yet';
  const parts = [`${vms.length} VM${vms.length === 1 ? '' : 's'}`, `${running} running`, ...(hosts ? [hosts] : []), s.lastPassAt ? ago(new Date(s.lastPassAt), now) : 'not checked yet'];
  return `${parts.join(' · ')}${s.paused ? ' · paused' : ''}`;
}

export function ago(then: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  return h < 24 ? `${h} h ago` : `${Math.round(h / 24)} d ago`;
}
