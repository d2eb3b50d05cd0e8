// "This PC": this computer's checks for each provider in use (the same as `ragnatramp-tray
// doctor`'s: for Hyper-V PowerShell, the module, vmms, membership and the Default Switch; for
// libvirt virsh, the URI and the network; for quickemu the folder; for Proxmox VE the API and the
// token's privileges), each failure with its fix, in the order they are fixed (a later step may
// depend on an earlier one). They run again every time the view opens; the last results stay in
// sight while they do.
import { useEffect } from 'react';
import type { HostChecksView } from '../../../contract/api';
import { useStore } from '../store';
import { CheckStatus } from './check-status';

export function HostChecks() {
  const hostChecks = useStore((s) => s.hostChecks);
  const runHostChecks = useStore((s) => s.runHostChecks);
  useEffect(() => {
    if (useStore.getState().hostChecks.status !== 'loading') void runHostChecks();
  }, [runHostChecks]);
  const loading = hostChecks.status === 'loading';
  const shown: HostChecksView | undefined = hostChecks.status === 'done' ? hostChecks.value : hostChecks.last;
  const all = shown?.providers.flatMap((p) => p.checks) ?? [];
  const failed = all.filter((c) => c.ok === false).length;
  return (
    <section className="this-pc" aria-labelledby="this-pc-title" data-testid="this-pc">
      <div className="row">
        <h3 id="this-pc-title">This PC</h3>
        {/* aria-disabled, not disabled: a disabled button would drop the keyboard focus to the page. */}
        <button type="button" aria-disabled={loading} onClick={() => !loading && void runHostChecks()}>
          {loading ? 'Checking this PC…' : 'Check this PC again'}
        </button>
      </div>
      <p className="diag-summary" aria-live="polite" data-testid="this-pc-summary">
        {loading && !shown ? 'Checking this PC…' : shown ? `${failed === 0 ? `All ${all.filter((c) => c.ok).length} checks pass.` : `${failed} of ${all.length} checks fail, with their fixes below.`} ` : ''}
        {shown && <span className="muted">Checked at {new Date(shown.at).toLocaleTimeString()}.</span>}
      </p>
      {hostChecks.status === 'failed' && (
        <div className="banner banner-error" role="alert">
          {hostChecks.error}
        </div>
      )}
      {shown?.providers.map((p) => (
        <div key={p.provider} data-testid={`this-pc-${p.provider}`}>
          {shown.providers.length > 1 && <h4>{p.label}</h4>}
          <ul className="checks" aria-label={`${p.label} checks of this PC`}>
            {p.checks.map((c) => (
              <li key={c.step} className={`check check-${c.ok === null ? 'unknown' : c.ok ? 'pass' : 'fail'}`}>
                <CheckStatus ok={c.ok} />
                <span className="check-name">{c.step}</span>
                <span className="check-detail">{c.detail}</span>
                {c.ok === false && c.fix && <p className="why">Fix: {c.fix}</p>}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
