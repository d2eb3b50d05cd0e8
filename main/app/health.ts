// The tray's overall health and its one-line summary, from the app state. Pure.

import type { AppState, Health } from '../../contract/api.js';

export function computeHealth(s: Pick<AppState, 'busy' | 'hypervisorError' | 'projects' | 'duplicates'>): Health {
  // Blue only for a reconcile the user asked for: a background watch pass every few seconds
  // would make the icon flicker (and rebuild it twice a pass).
  if (s.busy === 'reconciling') return 'working';
  if (s.hypervisorError) return 'error';
  // Nothing watched is not "all good": grey until a project is added.
  if (s.projects.length === 0) return 'idle';
  const attention = s.projects.some((p) => p.error || p.stale) || s.duplicates.length > 0 || s.projects.some((p) => p.vms.some((v) => v.problems.length > 0));
  return attention ? 'attention' : 'good';
}

export function summarize(s: Pick<AppState, 'projects' | 'lastPassAt' | 'hypervisorError' | 'paused'>, now: Date): string {
  if (s.hypervisorError) return `Hypervisor unreachable · ${s.hypervisorError.split('\n')[0]}`;
  const vms = s.projects.flatMap((p) => p.vms);
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
