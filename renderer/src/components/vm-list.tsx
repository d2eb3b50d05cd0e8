// Every watched project with its VMs.
import type { AppState } from '../../../contract/api';
import { useStore } from '../store';
import { VmRow } from './vm-row';

export function VmList({ app }: { app: AppState }) {
  const focusKey = useStore((s) => s.focusKey);
  return (
    <div className="projects">
      {app.projects.map((p) => (
        <section key={p.configPath} className="project" aria-label={p.name ?? p.configPath}>
          <h2 className="project-name">
            {p.name ?? 'Project'} <span className="path">{p.configPath}</span>
          </h2>
          {p.error && (
            <div className="banner banner-error" role="alert">
              <pre>{p.error}</pre>
            </div>
          )}
          {p.vms.length === 0 && !p.error && <p className="muted">{app.lastPassAt ? 'No VMs in this project yet.' : 'Looking for VMs…'}</p>}
          <ul className="vm-list">
            {p.vms.map((vm) => (
              <VmRow key={vm.key} vm={vm} progress={app.progress[vm.key]} focused={focusKey === vm.key} configPath={p.configPath} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
