// Settings: the watched projects (each with its provider, or a provider-defined one's SSH login; its domain and aliases; Remove with Undo), the poll interval (checked as typed, saved
// on Enter or leaving the field), notifications, auto-sync, ssh <machine>, launch at login. An
// error shows next to the field that caused it.
import { useState } from 'react';
import { POLL_SECONDS, type AppState, type ProjectNames, type Settings, type WatchedProject } from '../../../contract/api';
import { useStore } from '../store';
import { AddProjectKind } from './add-watched-project';
import { ProjectProviderField, ProxmoxTokenField } from './project-provider';
import { ProjectNamesField, WatchedLoginField } from './project-names';

function pollProblem(text: string): string | null {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) return 'Enter a whole number of seconds.';
  if (n < POLL_SECONDS.min || n > POLL_SECONDS.max) return `Enter between ${POLL_SECONDS.min} and ${POLL_SECONDS.max} seconds.`;
  return null;
}

export function SettingsPanel({ app, settings }: { app: AppState; settings: Settings }) {
  const api = useStore((s) => s.api);
  const [poll, setPoll] = useState(String(settings.pollSeconds));
  const [pollState, setPollState] = useState<{ saved: boolean; error: string | null }>({ saved: false, error: null });
  const [removed, setRemoved] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const problem = pollProblem(poll);
  const machinesOf = (p: string) => app.projects.find((v) => v.configPath === p)?.vms.map((v) => v.machineName) ?? [];

  const update = async (field: string, patch: Partial<Omit<Settings, 'projects' | 'providers'>>): Promise<boolean> => {
    try {
      useStore.setState({ settings: await api!.updateSettings(patch) });
      setFieldError(null);
      return true;
    } catch (err) {
      setFieldError({ field, message: (err as Error).message });
      return false;
    }
  };
  const savePoll = async () => {
    if (problem || Number(poll) === settings.pollSeconds) return;
    const ok = await update('poll', { pollSeconds: Number(poll) });
    setPollState({ saved: ok, error: null });
  };
  // What Undo puts back besides the key: a provider-defined project's definition, the project's names.
  const [removedSettings, setRemovedSettings] = useState<{ watched?: WatchedProject; names?: ProjectNames }>({});
  const remove = async (p: string) => {
    try {
      const kept = { watched: settings.watched[p], names: settings.names[p] };
      useStore.setState({ settings: await api!.removeProject(p) });
      setRemovedSettings(kept);
      setRemoved(p);
    } catch (err) {
      setFieldError({ field: `project:${p}`, message: (err as Error).message });
    }
  };
  const undo = async () => {
    if (!removed) return;
    try {
      const { watched, names } = removedSettings;
      useStore.setState({ settings: watched ? await api!.saveWatchedProject(watched) : await api!.addProject(removed) });
      if (names) useStore.setState({ settings: await api!.setProjectNames(removed, names) });
      setRemoved(null);
    } catch (err) {
      setFieldError({ field: 'undo', message: (err as Error).message });
    }
  };
  const errorFor = (field: string) =>
    fieldError?.field === field ? (
      <p className="field-error" role="alert" id={`error-${field}`}>
        {fieldError.message}
      </p>
    ) : null;

  return (
    <section aria-labelledby="settings-title" className="settings">
      <h2 id="settings-title">Settings</h2>
      <h3>Projects</h3>
      <ul className="project-paths">
        {settings.projects.map((p) => (
          <li key={p}>
            <span className="path">{p}</span>
            <button type="button" aria-label={`Stop watching ${p}`} onClick={() => void remove(p)}>
              Remove
            </button>
            {errorFor(`project:${p}`)}
            {settings.watched[p] ? <WatchedLoginField project={settings.watched[p]} machines={machinesOf(p)} /> : <ProjectProviderField configPath={p} current={settings.providers[p]} />}
            {settings.watched[p]?.provider === 'proxmox' && <ProxmoxTokenField configPath={p} />}
            <ProjectNamesField key={`${p}|${machinesOf(p).join(',')}`} configPath={p} machines={machinesOf(p)} current={settings.names[p]} />
          </li>
        ))}
      </ul>
      {removed && (
        <p className="undo" role="status" data-testid="undo-remove">
          Stopped watching <span className="path">{removed}</span>.{' '}
          <button type="button" onClick={() => void undo()}>
            Undo
          </button>
        </p>
      )}
      {errorFor('undo')}
      <AddProjectKind filePicker={app.host.filePicker} platform={app.host.platform} />
      <h3>Watching</h3>
      <form
        className="field"
        onSubmit={(e) => {
          e.preventDefault();
          void savePoll();
        }}
      >
        <label htmlFor="poll-seconds">Look for changes every</label>
        <input
          id="poll-seconds"
          type="number"
          min={POLL_SECONDS.min}
          max={POLL_SECONDS.max}
          value={poll}
          aria-invalid={problem !== null}
          aria-describedby={problem ? 'poll-problem' : 'poll-help'}
          onChange={(e) => {
            setPoll(e.target.value);
            setPollState({ saved: false, error: null });
          }}
          onBlur={() => void savePoll()}
        />
        seconds
      </form>
      {problem ? (
        <p id="poll-problem" className="field-error" role="alert">
          {problem}
        </p>
      ) : (
        <p id="poll-help" className="muted" aria-live="polite">
          {pollState.saved ? `Saved: a pass every ${settings.pollSeconds} seconds.` : `Between ${POLL_SECONDS.min} and ${POLL_SECONDS.max}. A pass never starts while another runs.`}
        </p>
      )}
      {errorFor('poll')}
      <label className="field">
        <input type="checkbox" checked={settings.notifications} onChange={(e) => void update('notifications', { notifications: e.target.checked })} />
        Notify me when a VM's IP address changes or a duplicate appears
      </label>
      {app.host.notes?.notifications && (
        <p className="field-error" role="status" data-testid="notifications-note">
          The last notification was not shown: {app.host.notes.notifications}
        </p>
      )}
      {errorFor('notifications')}
      <label className="field">
        <input type="checkbox" checked={settings.autoSync} onChange={(e) => void update('autoSync', { autoSync: e.target.checked, autoSyncAsked: true })} aria-describedby="auto-sync-help" />
        Sync every guest's /etc/hosts automatically after a change
      </label>
      <p id="auto-sync-help" className="muted">Logs in to each guest over SSH and rewrites the managed block in its /etc/hosts when an address changes.</p>
      {errorFor('autoSync')}
      <label className="field">
        <input type="checkbox" checked={settings.sshConfig} onChange={(e) => void update('sshConfig', { sshConfig: e.target.checked })} aria-describedby="ssh-help" />
        Let me run ssh &lt;machine&gt; from this computer
      </label>
      <p id="ssh-help" className="muted">Keeps an OpenSSH config of your VMs current (their addresses, users, keys and pinned host keys) and adds one marked Include line at the top of ~/.ssh/config.</p>
      {errorFor('sshConfig')}
      <h3>Diagnostics</h3>
      <p className="muted" data-testid="muted-count">
        {settings.muted.length === 0 ? 'No check is muted. Mute one in Diagnostics when it does not matter to you.' : `${settings.muted.length} muted: shown greyed in Diagnostics, never turning the tray orange.`}{' '}
        {settings.muted.length > 0 && (
          <button type="button" onClick={() => void update('muted', { muted: [] })}>
            Unmute all
          </button>
        )}
      </p>
      {errorFor('muted')}
      {app.host.launchAtLogin && (
        <label className="field">
          <input type="checkbox" checked={settings.launchAtLogin} onChange={(e) => void update('launchAtLogin', { launchAtLogin: e.target.checked })} />
          Start Ragnatramp Tray when I sign in
        </label>
      )}
      {app.host.launchAtLogin && app.host.notes?.launchAtLogin && (
        <p className="field-error" role="status" data-testid="login-item-note">
          {app.host.notes.launchAtLogin}
        </p>
      )}
      {errorFor('launchAtLogin')}
    </section>
  );
}
