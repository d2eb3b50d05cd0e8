// The tray window: header, banners, and the VMs / Diagnostics / Settings tabs. The top stays
// in place while the open tab's panel scrolls.
import { useEffect, useReducer, type KeyboardEvent } from 'react';
import { AutoSyncQuestion } from './components/auto-sync-question';
import { Banners } from './components/banners';
import { DiagnosticsPanel } from './components/diagnostics-panel';
import { EmptyState } from './components/empty-state';
import { Header } from './components/header';
import { SettingsPanel } from './components/settings-panel';
import { Toasts } from './components/toasts';
import { VmList } from './components/vm-list';
import { useStore, type Tab } from './store';

const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'vms', label: 'VMs' },
  { id: 'diagnostics', label: 'Diagnostics' },
  { id: 'settings', label: 'Settings' },
];

export function App() {
  const { app, settings, tab, setTab, error, linkLost, firstRun } = useStore();
  // Relative times ("2 min ago") are worked out as the window renders: render again as the
  // clock moves, also while watching is paused and no new state arrives.
  const [, tick] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const timer = setInterval(tick, 15_000);
    return () => clearInterval(timer);
  }, []);
  if (!app || !settings) return <main className="loading">{error ?? 'Connecting…'}</main>;
  // WAI-ARIA tabs: arrows move along the tabs (wrapping), Home and End to the ends; the focus
  // follows the selection.
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = { ArrowRight: (i + 1) % TABS.length, ArrowLeft: (i + TABS.length - 1) % TABS.length, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    setTab(TABS[next]!.id);
    document.getElementById(`tab-${TABS[next]!.id}`)?.focus();
  };
  return (
    <main>
      <div className="top">
        {linkLost && (
          <div className="banner banner-error" role="alert" data-testid="link-lost">
            {linkLost} What the window shows may be out of date.
          </div>
        )}
        <Header app={app} />
        <Banners app={app} />
        <Toasts />
        {error && (
          <div className="banner banner-error" role="alert">
            {error}
          </div>
        )}
        <nav className="tabs" role="tablist" aria-label="Views" onKeyDown={onKey}>
          {TABS.map((t) => (
            <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} tabIndex={tab === t.id ? 0 : -1} onClick={() => setTab(t.id)}>
              {t.label}
            </button>
          ))}
        </nav>
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
        {/* Auto-sync is asked once, on the first run (also once its first project is added), never silently off. */}
        {tab === 'vms' &&
          (app.projects.length === 0 ? (
            <>
              <EmptyState filePicker={app.host.filePicker} platform={app.host.platform} />
              {firstRun && !settings.autoSyncAsked && <AutoSyncQuestion />}
            </>
          ) : (
            <>
              {firstRun && !settings.autoSyncAsked && <AutoSyncQuestion />}
              <VmList app={app} />
            </>
          ))}
        {tab === 'diagnostics' && <DiagnosticsPanel app={app} />}
        {tab === 'settings' && <SettingsPanel app={app} settings={settings} />}
      </div>
    </main>
  );
}
