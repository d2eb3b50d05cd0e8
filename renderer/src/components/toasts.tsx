// In-window notices of IP changes (the desktop app also shows OS notifications). They sit in the
// page's flow above the list, so they never cover a row; clicking one brings its VM into view;
// an address change offers "Sync now" when hosts are not synced automatically and the sync would
// not skip the VM.
import { changeText } from '../format';
import { useStore } from '../store';

export function Toasts() {
  const { toasts, dismissToast, focus, run, settings } = useStore();
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className="toast" role="status" data-testid="toast">
          <button type="button" className="link" onClick={() => (t.change.kind === 'duplicate' ? focus(null) : focus(t.change.key))}>
            {changeText(t.change)}
            {t.count > 1 && ` (×${t.count})`}
          </button>
          {/* Not for a sync that would skip the VM (a duplicate address). */}
          {settings && !settings.autoSync && (t.change.kind === 'changed' || t.change.kind === 'appeared') && !t.change.hostsSkip && (
            <button type="button" onClick={() => { const c = t.change as { configPath: string }; dismissToast(t.id); void run((api) => api.reconcileNow(c.configPath)); }}>
              Sync now
            </button>
          )}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
