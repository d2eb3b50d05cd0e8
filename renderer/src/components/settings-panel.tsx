// Settings: the watched projects, the poll interval, notifications, auto-sync, launch at login.
import { POLL_SECONDS, type AppState, type Settings } from '../../../contract/api';
import { useStore } from '../store';
import { AddProject } from './add-project';

export function SettingsPanel({ app, settings }: { app: AppState; settings: Settings }) {
  const run = useStore((s) => s.run);
  const update = async (patch: Partial<Omit<Settings, 'projects'>>) => {
    const next = await run((api) => api.updateSettings(patch));
    if (next) useStore.setState({ settings: next });
  };
  return (
    <section aria-labelledby="settings-title" className="settings">
      <h2 id="settings-title">Settings</h2>
      <h3>Projects</h3>
      <ul className="project-paths">
        {settings.projects.map((p) => (
          <li key={p}>
            <span className="path">{p}</span>
            <button
              type="button"
              aria-label={`Stop watching ${p}`}
              onClick={() =>
                void run(async (api) => {
                  useStore.setState({ settings: await api.removeProject(p) });
                })
              }
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <AddProject filePicker={app.host.filePicker} />
      <h3>Watching</h3>
      <label className="field">
        Look for changes every
        <input type="number" min={POLL_SECONDS.min} max={POLL_SECONDS.max} defaultValue={settings.pollSeconds} onBlur={(e) => { const n = Number(e.target.value); if (Number.isInteger(n) && n >= POLL_SECONDS.min && n <= POLL_SECONDS.max && n !== settings.pollSeconds) void update({ pollSeconds: n }); }} aria-describedby="poll-help" />
        seconds
      </label>
      <p id="poll-help" className="muted">Between {POLL_SECONDS.min} and {POLL_SECONDS.max}. A pass never starts while another runs.</p>
      <label className="field">
        <input type="checkbox" checked={settings.notifications} onChange={(e) => void update({ notifications: e.target.checked })} />
        Notify me when a VM's IP address changes or a duplicate appears
      </label>
      <label className="field">
        <input type="checkbox" checked={settings.autoSync} onChange={(e) => void update({ autoSync: e.target.checked })} />
        Sync every guest's /etc/hosts automatically after a change
      </label>
      <label className="field">
        <input type="checkbox" checked={settings.sshConfig} onChange={(e) => void update({ sshConfig: e.target.checked })} aria-describedby="ssh-help" />
        Let me run ssh &lt;machine&gt; from this computer
      </label>
      <p id="ssh-help" className="muted">Keeps an OpenSSH config of your VMs current (their addresses, users, keys and pinned host keys) and adds one marked Include line at the top of ~/.ssh/config.</p>
      {app.host.launchAtLogin && (
        <label className="field">
          <input type="checkbox" checked={settings.launchAtLogin} onChange={(e) => void update({ launchAtLogin: e.target.checked })} />
          Start Ragnatramp Tray when I sign in
        </label>
      )}
    </section>
  );
}
