// Things that need the user's eye before the VM list: a lost engine, an unreachable hypervisor
// (its cause first, the fix right after it, said once: the header leaves its summary to this),
// notices about the app itself, and duplicate IPs.
import type { AppState } from '../../../contract/api';
import { useStore } from '../store';

export function Banners({ app }: { app: AppState }) {
  const setTab = useStore((s) => s.setTab);
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
          <strong>Duplicate IP {d.ip}:</strong> {d.vms.map((v) => v.machineName).join(' and ')} report the same address; their hosts sync is skipped until it clears. Two VMs with one address are nearly always clones of one image sharing <code>/etc/machine-id</code> (the DHCP client id). In the clone, run:
          <pre className="commands" tabIndex={0} aria-label="The fix for a cloned machine-id">
            sudo rm /etc/machine-id && sudo systemd-machine-id-setup
          </pre>
          then renew its lease (reboot it).{' '}
          <button type="button" className="link" onClick={() => setTab('diagnostics')}>
            Check the machine-ids in Diagnostics
          </button>
        </div>
      ))}
    </>
  );
}
