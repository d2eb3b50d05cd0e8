// The top of the window: health, the one-line summary, the VMs' problems, Sync now and Pause.
import { problemList, type AppState } from '../../../contract/api';
import { PROJECT_WIDE_CHECKS, SYNC_NOW } from '../../../contract/vm-line';
import { useStore } from '../store';

const HEALTH_LABEL: Record<AppState['health'], string> = { good: 'All good', attention: 'Needs attention', error: 'Hypervisor unreachable', working: 'Working…', idle: 'Nothing watched yet' };

export function Header({ app }: { app: AppState }) {
  const run = useStore((s) => s.run);
  const focus = useStore((s) => s.focus);
  // A duplicate or hosts out of date is said once, in its banner, not once per VM here.
  const problems = problemList(app).filter((p) => !PROJECT_WIDE_CHECKS.includes(p.check));
  const reconciling = app.busy === 'reconciling';
  const health = app.engineLost ? 'Engine not answering' : HEALTH_LABEL[app.health];
  return (
    <header className="header">
      <div className="title-row">
        <span className={`health-dot health-${app.health}`} role="img" aria-label={health} title={health} />
        <h1>Ragnatramp Tray</h1>
        {app.simulated && <span className="badge badge-sim" title="Answers come from a simulated Hyper-V host">simulated</span>}
      </div>
      {/* A cause (the engine lost, the hypervisor unreachable) leads the summary; the red banner below says it with its fix, once. */}
      {!app.hypervisorError && !app.engineLost && (
        <p className="summary" aria-live="polite">
          {app.summary}
        </p>
      )}
      {problems.length > 0 && (
        <p className="problems" data-testid="problems">
          <span className="visually-hidden">Needs attention: </span>
          {problems.map((p, i) => (
            <span key={p.key + p.text}>
              {i > 0 && ' · '}
              <button type="button" className="link" onClick={() => focus(p.key)}>
                {p.text}
              </button>
            </span>
          ))}
        </p>
      )}
      <div className="actions">
        <button type="button" className="primary" disabled={reconciling || app.projects.length === 0} onClick={() => void run((api) => api.reconcileNow(null))}>
          {reconciling ? 'Syncing…' : SYNC_NOW}
        </button>
        {/* With nothing watched there is nothing to pause. */}
        <button type="button" disabled={app.projects.length === 0} onClick={() => void run((api) => api.setPaused(!app.paused))} aria-pressed={app.paused}>
          {app.paused ? 'Resume watching' : 'Pause watching'}
        </button>
      </div>
      {app.lastReconcile && (
        <p className="last-reconcile" data-testid="last-reconcile">
          Last sync {new Date(app.lastReconcile.at).toLocaleTimeString()}: {app.lastReconcile.synced} synced ({app.lastReconcile.updated} updated), {app.lastReconcile.skipped} skipped, {app.lastReconcile.failed} failed
          {app.lastReconcile.changes > 0 ? `, ${app.lastReconcile.changes} state change${app.lastReconcile.changes === 1 ? '' : 's'}` : ''}
        </p>
      )}
    </header>
  );
}
