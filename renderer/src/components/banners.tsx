// Things that need the user's eye before the VM list: an unreachable hypervisor, notices about
// the app itself, and duplicate IPs.
import type { AppState } from '../../../contract/api';

export function Banners({ app }: { app: AppState }) {
  return (
    <>
      {app.hypervisorError && (
        <div className="banner banner-error" role="alert">
          <strong>The hypervisor could not be queried.</strong>
          <pre>{app.hypervisorError}</pre>
        </div>
      )}
      {app.notices.map((n) => (
        <div key={n} className="banner banner-notice" role="status">
          {n}
        </div>
      ))}
      {app.duplicates.map((d) => (
        <div key={d.ip} className="banner banner-warning" role="alert" data-testid="duplicate-banner">
          <strong>Duplicate IP {d.ip}:</strong> {d.vms.map((v) => v.machineName).join(' and ')} report the same address. Their hosts sync is skipped until one of them gets a new lease (restart it).
        </div>
      ))}
    </>
  );
}
