// The last lines of the tray's log about one VM (the log the support bundle holds), in its
// Diagnostics card: read when opened, so they are as fresh as the log; a run of the same line is
// one line with its count.
import { useState } from 'react';
import type { VmLogLineView } from '../../../contract/api';
import { useStore, type Loadable } from '../store';

const clock = (iso: string) => new Date(iso).toLocaleString([], { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' });

export function VmLog({ configPath, machineName }: { configPath: string; machineName: string }) {
  const api = useStore((s) => s.api);
  const [lines, setLines] = useState<Loadable<VmLogLineView[]>>({ status: 'idle' });
  const load = () => {
    if (!api) return;
    setLines({ status: 'loading' });
    api.vmLog(configPath, machineName).then(
      (value) => setLines({ status: 'done', value }),
      (err: Error) => setLines({ status: 'failed', error: err.message }),
    );
  };
  return (
    <details className="vm-log" data-testid={`vm-log-${machineName}`} onToggle={(e) => e.currentTarget.open && load()}>
      <summary>Log lines about {machineName}</summary>
      {lines.status === 'loading' && <p className="muted">Reading the log…</p>}
      {lines.status === 'failed' && <p className="error">{lines.error}</p>}
      {lines.status === 'done' && lines.value.length === 0 && <p className="muted">Nothing in the log about {machineName} yet.</p>}
      {lines.status === 'done' && lines.value.length > 0 && (
        <ol className="log-lines" aria-label={`The log's last lines about ${machineName}, oldest first`}>
          {lines.value.map((l) => (
            <li key={`${l.at} ${l.event} ${l.text}`} className={`log-${l.level}`}>
              <time dateTime={l.at}>{clock(l.at)}</time> {l.level !== 'info' && <strong>{l.level}</strong>} {l.event}: {l.text}
              {l.count > 1 && <span className="muted"> (×{l.count}, the last at {clock(l.lastAt)})</span>}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
