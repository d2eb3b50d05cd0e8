// A VM's last addresses with when they were seen (the tray's own history, newest first), in the
// row's details: a renumbering pattern (a new address at every host reboot) shows at a glance.
import type { AddressSeenView } from '../../../contract/api';

const when = (iso: string) => new Date(iso).toLocaleString([], { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

export function VmHistory({ machineName, history }: { machineName: string; history: AddressSeenView[] }) {
  if (history.length === 0) return null;
  return (
    <details className="vm-history" data-testid="vm-history">
      <summary>
        Address history ({history.length})
      </summary>
      <ol aria-label={`${machineName}'s last addresses, newest first`}>
        {history.map((h) => (
          <li key={`${h.seenAt} ${h.ipv4}`}>
            <span className="ip">{h.ipv4}</span>{' '}
            <span className="muted" title={h.endedAt ? `${h.seenAt} to ${h.endedAt}` : `since ${h.seenAt}`}>
              {h.endedAt ? `${when(h.seenAt)} – ${when(h.endedAt)}` : `since ${when(h.seenAt)} (now)`}
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}
