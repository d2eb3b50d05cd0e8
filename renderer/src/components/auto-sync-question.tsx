// The first run's one question: should the tray rewrite the guests' /etc/hosts by itself after a
// change? Asked once, with what it does, and the answer kept in the settings (Settings changes it).
import { useStore } from '../store';

export function AutoSyncQuestion() {
  const run = useStore((s) => s.run);
  const answer = async (autoSync: boolean) => {
    const settings = await run((api) => api.updateSettings({ autoSync, autoSyncAsked: true }));
    if (settings) useStore.setState({ settings });
  };
  return (
    <section className="first-run-question" aria-labelledby="auto-sync-title" data-testid="auto-sync-question">
      <h2 id="auto-sync-title">Keep the VMs' /etc/hosts in sync by themselves?</h2>
      <p id="auto-sync-what">
        When a VM's address changes, Ragnatramp Tray can log in to each guest over SSH (with the project's user and key) and rewrite the managed block in its <code>/etc/hosts</code> at once, so that the VMs keep reaching each other by name. Otherwise it tells you, and you choose Sync now.
      </p>
      <div className="row">
        <button type="button" className="primary" aria-describedby="auto-sync-what" onClick={() => void answer(true)}>
          Sync automatically
        </button>
        <button type="button" onClick={() => void answer(false)}>
          Let me sync myself
        </button>
      </div>
      <p className="muted">Settings changes this later.</p>
    </section>
  );
}
