// Every watched project with its VMs, one line each (the glance), columns aligned across rows.
import type { AppState } from '../../../contract/api';
import { vmLines } from '../../../contract/vm-line';
import { useStore } from '../store';
import { VmRow } from './vm-row';

export function VmList({ app }: { app: AppState }) {
  const focusKey = useStore((s) => s.focusKey);
  // The same lines the tray menu shows, in the same order.
  const lines = new Map(vmLines(app).map((l) => [l.key, l]));
  return (
    <div className="projects">
      {app.projects.map((p) => (
        <section key={p.configPath} className="project" aria-label={p.name ?? p.configPath}>
          <h2 className="project-name" title={p.configPath}>
            {p.name ?? 'Project'} <span className="path">{p.configPath}</span>
          </h2>
          {p.error && (
            <div className="banner banner-error" role="alert">
              <pre>{p.error}</pre>
            </div>
          )}
          {/* Rows never seen before read "unknown": no "what was last seen" to speak of; the cause is the header's. */}
          {p.stale && !(p.vms.length > 0 && p.vms.every((v) => v.status === 'unknown')) && (
            <div className="banner banner-warning" role="status" data-testid="stale-banner">
              {p.stale}
            </div>
          )}
          {p.vms.length > 0 && p.vms.every((v) => v.status === 'missing') && (
            <div className="banner banner-warning" role="status" data-testid="all-missing">
              {p.vms[0]!.lookedIn} has none of this project's VMs. Create them with <code>ragnatramp up</code>, or check that this is the right project file.
            </div>
          )}
          {p.vms.length === 0 && !p.error && <p className="muted">{app.lastPassAt && !p.stale ? 'No VMs in this project yet.' : 'Looking for VMs…'}</p>}
          {p.vms.length > 0 && (
            <ul className="vm-list">
              {p.vms.map((vm) => (
                <VmRow key={vm.key} vm={vm} line={lines.get(vm.key)!} progress={app.progress[vm.key]} focused={focusKey === vm.key} configPath={p.configPath} checkedAt={p.stale ? null : app.lastPassAt} lastSeen={p.stale ? (p.seenAt ?? null) : null} />
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
