// In-window notices of IP changes (the desktop app also shows OS notifications); clicking one
// brings its VM into view.
import { changeText } from '../format';
import { useStore } from '../store';

export function Toasts() {
  const { toasts, dismissToast, focus } = useStore();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className="toast" role="status" data-testid="toast">
          <button type="button" className="link" onClick={() => (t.change.kind === 'duplicate' ? focus(null) : focus(t.change.key))}>
            {changeText(t.change)}
          </button>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
