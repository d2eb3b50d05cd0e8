// Things that need the user's eye before the VM list: a lost engine, an unreachable hypervisor
// (its cause first, the fix right after it, said once: the header leaves its summary to this),
// notices about the app itself, duplicate IPs (one banner each, naming its VMs) and hosts out of
// date (one banner and one Sync now, however many VMs one address change left behind).
import { sharedNames, vmLabel, type AppState } from '../../../contract/api';
import { SYNC_NOW } from '../../../contract/vm-line';
import { useStore } from '../store';

export function Banners({ app }: { app: AppState }) {
  const setTab = useStore((s) => s.setTab);
  const run = useStore((s) => s.run);
  const shared = sharedNames(app);
  const outOfDate = app.projects.flatMap((p) => p.vms.filter((v) => v.problems.some((x) => x.check === 'hosts-stale')).map((v) => vmLabel(p.name, v.machineName, shared)));
  return (
    <>
      {app.engineLost && (
        <div className="banner banner-error" role="alert" data-testid="engine-lost">
          <strong>{app.engineLost}</strong> What the window shows may be out of date until it answers.
        </div>
      )}
      {app.hypervisorError && (
        <div className="banner banner-error" role="alert" data-testid="hypervisor-error">
          <strong>{app.hypervisorError.split('\n')[0]}</strong>
          <pre>{app.hypervisorError.split('\n').slice(1).join('\n')}</pre>
        </div>
      )}
      {app.notices.map((n) => (
        <div key={n} className="banner banner-notice" role="status">
          {n}
        </div>
      ))}
      {app.duplicates.map((d) => (
        <div key={d.ip} className="banner banner-warning" role="alert" data-testid="duplicate-banner">
          <strong>Duplicate IP {d.ip}:</strong> {listed(d.vms.map((v) => vmLabel(v.project, v.machineName, shared)))} report the same address; their hosts sync is skipped until it clears. Two VMs with one address are nearly always clones of one image sharing <code>/etc/machine-id</code> (the DHCP client id). In the clone, run:
          <pre className="commands" tabIndex={0} aria-label="The fix for a cloned machine-id">
            sudo rm /etc/machine-id && sudo systemd-machine-id-setup
          </pre>
          then renew its lease (reboot it).{' '}
          <button type="button" className="link" onClick={() => setTab('diagnostics')}>
            Check the machine-ids in Diagnostics
          </button>
        </div>
      ))}
      {outOfDate.length > 0 && (
        <div className="banner banner-warning" role="status" data-testid="hosts-stale-banner">
          <strong>Hosts out of date</strong> on {listed(outOfDate)}: an address changed since their last sync.{' '}
          <button type="button" disabled={app.busy === 'reconciling'} onClick={() => void run((api) => api.reconcileNow(null))}>
            {SYNC_NOW}
          </button>
        </div>
      )}
    </>
  );
}

/** "web", "web and db", "web, db and cache". */
const listed = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);
