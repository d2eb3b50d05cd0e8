// In-window notices of IP changes (the desktop app also shows OS notifications). They sit in the
// page's flow above the list, so they never cover a row; clicking one brings its VM into view.
// Several VMs renumbered at once (a host reboot) are one notice with one Sync now, offered when
// hosts are not synced automatically, the sync would not skip the VMs, and no banner offers it.
import type { IpChange } from '../../../contract/api';
import { SYNC_NOW } from '../../../contract/vm-line';
import { changeText } from '../format';
import { useStore, type Toast } from '../store';

type Changed = Extract<IpChange, { kind: 'changed' }>;

export function Toasts() {
  const { toasts, dismissToast, focus, run, settings, app } = useStore();
  if (toasts.length === 0) return null;
  const renumbered = toasts.filter((t) => t.change.kind === 'changed');
  const grouped = renumbered.length > 1;
  const bannerOffersSync = !!app?.projects.some((p) => p.vms.some((v) => v.problems.some((x) => x.check === 'hosts-stale')));
  const offerSync = (changes: IpChange[]) => !!settings && !settings.autoSync && !bannerOffersSync && changes.some((c) => (c.kind === 'changed' || c.kind === 'appeared') && !c.hostsSkip);
  const sync = (ids: number[], changes: IpChange[]) => {
    const projects = [...new Set(changes.map((c) => (c as { configPath: string }).configPath))];
    ids.forEach(dismissToast);
    void run((api) => api.reconcileNow(projects.length === 1 ? projects[0]! : null));
  };
  const single = (t: Toast) => (
    <div key={t.id} className="toast" role="status" data-testid="toast">
      <button type="button" className="link" onClick={() => (t.change.kind === 'duplicate' ? focus(null) : focus(t.change.key))}>
        {changeText(t.change)}
        {t.count > 1 && ` (×${t.count})`}
      </button>
      {offerSync([t.change]) && (
        <button type="button" onClick={() => sync([t.id], [t.change])}>
          {SYNC_NOW}
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
        ×
      </button>
    </div>
  );
  const changes = renumbered.map((t) => t.change as Changed);
  return (
    <div className="toasts" aria-live="polite">
      {grouped && (
        <div className="toast" role="status" data-testid="toast">
          <div>
            <strong>{changes.length} VMs renumbered</strong>
            <ul className="renumbered">
              {changes.map((c) => (
                <li key={c.key}>
                  <button type="button" className="link" onClick={() => focus(c.key)}>
                    {changeText(c)}
                  </button>
                </li>
              ))}
            </ul>
          </div>
          {offerSync(changes) && (
            <button type="button" onClick={() => sync(renumbered.map((t) => t.id), changes)}>
              {SYNC_NOW}
            </button>
          )}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => renumbered.forEach((t) => dismissToast(t.id))}>
            ×
          </button>
        </div>
      )}
      {toasts.filter((t) => !grouped || t.change.kind !== 'changed').map(single)}
    </div>
  );
}
