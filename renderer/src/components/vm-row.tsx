// One VM: name, status, IPv4 (copyable), where the IP came from, MAC, when it was seen, the
// previous IP, and the last hosts sync, with live progress during a reconcile.
import { useEffect, useRef, useState } from 'react';
import type { VmView } from '../../../contract/api';
import { formatMac, STATUS_HELP, timeAgo } from '../format';
import { CopyButton } from './copy-button';
import { useStore } from '../store';

export function VmRow({ vm, progress, focused, configPath }: { vm: VmView; progress: string | undefined; focused: boolean; configPath: string }) {
  const ref = useRef<HTMLLIElement>(null);
  const run = useStore((s) => s.run);
  // Simulated VMs answer no real SSH: no button that can only fail.
  const canSsh = useStore((s) => !s.app?.simulated);
  const [confirmingKey, setConfirmingKey] = useState(false);
  const keyChanged = vm.sync?.problem === 'host-key-changed';
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
          <span className={`badge tier-${vm.tier.id}`} title={vm.tier.help} data-testid="tier">
            {vm.tier.label}
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
            {vm.status === 'running' && canSsh && (
              <button type="button" onClick={() => void run((api) => api.openSsh(configPath, vm.machineName))} aria-label={`Open SSH to ${vm.machineName}`}>
                Open SSH
              </button>
            )}
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
      {keyChanged && !confirmingKey && (
        <button type="button" onClick={() => setConfirmingKey(true)}>
          Trust the new host key…
        </button>
      )}
      {keyChanged && confirmingKey && (
        <div className="confirm" role="dialog" aria-label={`Trust ${vm.machineName}'s new host key`}>
          <p>Only if you rebuilt {vm.machineName}: a changed key can also mean someone is intercepting the connection. The new key will be trusted and the hosts synced.</p>
          <div className="row">
            <button type="button" className="primary" onClick={() => { setConfirmingKey(false); void run((api) => api.acceptHostKey(configPath, vm.machineName)); }}>
              Trust it and sync
            </button>
            <button type="button" onClick={() => setConfirmingKey(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

function syncText(vm: VmView): string {
  const s = vm.sync;
  if (!s) return vm.status === 'stopped' || vm.status === 'missing' ? '—' : 'not synced yet';
  if (!s.success) return `failed: ${s.message}`;
  if (s.skipped) return `skipped: ${s.message}`;
  return `${s.changed ? 'updated' : 'in sync'} ${timeAgo(s.at)}`;
}
