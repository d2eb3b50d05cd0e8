// One VM: name, status, IPv4 (copyable), where the IP came from, MAC, when it was seen, the
// previous IP, and the last hosts sync, with live progress during a reconcile.
import { useEffect, useRef } from 'react';
import type { VmView } from '../../../main/contract/api';
import { formatMac, STATUS_HELP, TIER_HELP, TIER_LABEL, timeAgo } from '../format';
import { CopyButton } from './copy-button';

export function VmRow({ vm, progress, focused }: { vm: VmView; progress: string | undefined; focused: boolean }) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  return (
    <li ref={ref} className={`vm-row${focused ? ' focused' : ''}`} data-testid={`vm-${vm.machineName}`} tabIndex={focused ? -1 : undefined}>
      <div className="vm-head">
        <span className="vm-name">{vm.machineName}</span>
        <span className={`status status-${vm.status}`} title={STATUS_HELP[vm.status]}>
          {vm.status}
        </span>
        {vm.tier && (
          <span className={`badge tier-${vm.tier}`} title={TIER_HELP[vm.tier]} data-testid="tier">
            {TIER_LABEL[vm.tier]}
          </span>
        )}
        {vm.duplicateOf.length > 0 && <span className="badge badge-dup">duplicate IP</span>}
      </div>
      <div className="vm-ip">
        {vm.ipv4 ? (
          <>
            <span className="ip" data-testid="ipv4">
              {vm.ipv4}
            </span>
            <CopyButton text={vm.ipv4} label={`${vm.machineName}'s IP address`} />
          </>
        ) : (
          <span className="muted">{vm.status === 'stopped' ? 'off' : vm.status === 'missing' ? 'not found' : 'no IPv4 yet'}</span>
        )}
      </div>
      <dl className="vm-facts">
        {vm.mac && (
          <>
            <dt>MAC</dt>
            <dd>{formatMac(vm.mac)}</dd>
          </>
        )}
        {vm.discoveredAt && (
          <>
            <dt>Seen</dt>
            <dd title={vm.discoveredAt}>{timeAgo(vm.discoveredAt)}</dd>
          </>
        )}
        {vm.previousIpv4 && (
          <>
            <dt>Before</dt>
            <dd data-testid="previous-ip">{vm.previousIpv4}</dd>
          </>
        )}
        <dt>Hosts</dt>
        <dd data-testid="sync">{progress ? `${progress}…` : syncText(vm)}</dd>
      </dl>
    </li>
  );
}

function syncText(vm: VmView): string {
  const s = vm.sync;
  if (!s) return 'not synced yet';
  if (!s.success) return `failed: ${s.message}`;
  if (s.skipped) return `skipped: ${s.message}`;
  return `${s.changed ? 'updated' : 'in sync'} ${timeAgo(s.at)}`;
}
