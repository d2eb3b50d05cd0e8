// One VM, everything at a glance: status, IPv4 (copyable) or why it is unknown with the last
// known one, where the IP came from, the provider's own facts (Hyper-V's KVP) with why and a
// link to the fix, SSH (port 22 and the last session), the hosts block, when the IP was recorded
// and when it was last checked, and the VM's own warnings.
import { useEffect, useRef, useState } from 'react';
import type { VmView } from '../../../contract/api';
import { formatMac, STATUS_HELP, timeAgo } from '../format';
import { Confirm } from './confirm';
import { CopyButton } from './copy-button';
import { VmPowerActions } from './vm-power-actions';
import { useStore } from '../store';
import { VmHistory } from './vm-history';

/** `lastSeen`: set while the hypervisor cannot be asked, when the row was last seen as it shows. */
export function VmRow({ vm, progress, focused, configPath, checkedAt, lastSeen }: { vm: VmView; progress: string | undefined; focused: boolean; configPath: string; checkedAt: string | null; lastSeen: string | null }) {
  const ref = useRef<HTMLLIElement>(null);
  const run = useStore((s) => s.run);
  const setTab = useStore((s) => s.setTab);
  // Simulated VMs answer no real SSH: no button that can only fail.
  const canSsh = useStore((s) => !s.app?.simulated);
  const [confirmingKey, setConfirmingKey] = useState(false);
  const keyChanged = vm.sync?.problem === 'host-key-changed';
  const active = isActive(vm);
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  const reconcile = () => void run((api) => api.reconcileNow(configPath));
  return (
    <li ref={ref} id={`vm-${vm.key}`} className={`vm-row${focused ? ' focused' : ''}${lastSeen ? ' stale' : ''}`} data-testid={`vm-${vm.machineName}`} tabIndex={focused ? -1 : undefined} aria-label={`${vm.machineName}: ${vm.status}${lastSeen ? ` when last seen at ${clock(lastSeen)}` : ''}${vm.ipv4 ? `, ${vm.ipv4}` : ''}${vm.problems.length > 0 ? `, ${vm.problems.map((x) => x.text).join(', ')}` : ''}`}>
      <div className="vm-head">
        <span className="vm-name">{vm.machineName}</span>
        {/* While the hypervisor cannot be asked, the last status is history: greyed, with its time. */}
        <span className={lastSeen ? 'status' : `status status-${vm.status}`} title={lastSeen ? 'As last seen: the hypervisor cannot be asked now' : STATUS_HELP[vm.status]}>
          {vm.status}
        </span>
        {lastSeen && (
          <span className="muted last-seen" data-testid="last-seen">
            last seen {clock(lastSeen)}
          </span>
        )}
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
        ) : vm.sshAt ? (
          <>
            <span className="ip" data-testid="ssh-at" title="No address of its own that other VMs can reach: SSH goes through a port forward on this computer">
              SSH via {vm.sshAt}
            </span>
            {vm.status === 'running' && canSsh && (
              <button type="button" onClick={() => void run((api) => api.openSsh(configPath, vm.machineName))} aria-label={`Open SSH to ${vm.machineName}`}>
                Open SSH
              </button>
            )}
          </>
        ) : (
          <span data-testid="ip-unknown">
            <span className="muted">{ipUnknownText(vm)}</span>
            {vm.lastKnownIpv4 && (
              <span className="last-known" data-testid="last-known" title="The address state.json last recorded">
                {' '}
                last known {vm.lastKnownIpv4}
              </span>
            )}
          </span>
        )}
      </div>
      <dl className="vm-facts">
        {active &&
          vm.facts.map((f) => (
            <div key={f.label} className="fact" data-testid={`fact-${f.label}`}>
              <dt>{f.label}</dt>
              <dd className={f.ok === false ? 'bad' : undefined}>
                {f.value}
                {f.ok === false && f.why && <span className="why">: {f.why}. </span>}
                {f.ok === false && (
                  <button type="button" className="link" aria-label={`How to fix ${f.label} on ${vm.machineName}`} onClick={() => setTab('diagnostics')}>
                    How to fix
                  </button>
                )}
              </dd>
            </div>
          ))}
        {active && (
          <div className="fact">
            <dt>SSH</dt>
            <dd data-testid="ssh">{sshText(vm)}</dd>
          </div>
        )}
        <div className="fact">
          <dt>Hosts</dt>
          <dd data-testid="sync">
            {progress ? `${progress}…` : hostsText(vm)}
            {!progress && vm.hostsStale && (
              <>
                {' '}
                <button type="button" className="link" onClick={reconcile} aria-label={`Reconcile now, to update ${vm.machineName}'s hosts`}>
                  Reconcile now
                </button>
              </>
            )}
          </dd>
        </div>
        {vm.discoveredAt && vm.ipv4 && (
          <div className="fact">
            <dt>IP since</dt>
            <dd title={vm.discoveredAt} data-testid="ip-since">
              {timeAgo(vm.discoveredAt)}
              {checkedAt && <span className="muted"> · checked {timeAgo(checkedAt)}</span>}
            </dd>
          </div>
        )}
        {vm.mac && (
          <div className="fact">
            <dt>MAC</dt>
            <dd>{formatMac(vm.mac)}</dd>
          </div>
        )}
        {vm.ipv4 && vm.previousIpv4 && vm.previousIpv4 !== vm.ipv4 && (
          <div className="fact">
            <dt>Before</dt>
            <dd data-testid="previous-ip">{vm.previousIpv4}</dd>
          </div>
        )}
      </dl>
      <VmHistory machineName={vm.machineName} history={vm.history} />
      {!lastSeen && <VmPowerActions vm={vm} configPath={configPath} />}
      {vm.warnings.length > 0 && (
        <details className="vm-warnings" data-testid="vm-warnings">
          <summary>
            {vm.warnings.length} warning{vm.warnings.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {vm.warnings.map((w) => (
              <li key={w.code + w.text}>{w.text}</li>
            ))}
          </ul>
        </details>
      )}
      {keyChanged && !confirmingKey && (
        <button type="button" data-opens={`Trust ${vm.machineName}'s new host key`} onClick={() => setConfirmingKey(true)}>
          Trust the new host key…
        </button>
      )}
      {keyChanged && confirmingKey && (
        <Confirm label={`Trust ${vm.machineName}'s new host key`} onCancel={() => setConfirmingKey(false)}>
          <p>Only if you rebuilt {vm.machineName}: a changed key can also mean someone is intercepting the connection. The new key will be trusted and the hosts synced.</p>
          <div className="row">
            <button type="button" className="primary" onClick={() => { setConfirmingKey(false); void run((api) => api.acceptHostKey(configPath, vm.machineName)); }}>
              Trust it and sync
            </button>
            <button type="button" onClick={() => setConfirmingKey(false)}>
              Cancel
            </button>
          </div>
        </Confirm>
      )}
    </li>
  );
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });

/** Whether the VM is up as far as this pass knows (not stopped, missing or hidden by a cause of the host). */
const isActive = (vm: VmView) => vm.status !== 'stopped' && vm.status !== 'missing' && vm.status !== 'unknown';

function ipUnknownText(vm: VmView): string {
  if (vm.status === 'stopped') return vm.vmState.toLowerCase() === 'off' ? 'off' : `off (${vm.vmState})`;
  if (vm.status === 'missing') return `not found in ${vm.lookedIn}`;
  if (vm.status === 'unknown') return `IP unknown: ${vm.lookedIn} did not say (see above)`;
  const failing = vm.facts.find((f) => f.ok === false);
  return failing ? `IP unknown: ${failing.label} ${failing.value}` : 'IP unknown: no address found yet';
}

function sshText(vm: VmView): string {
  const where = vm.sshAt ? `port forward ${vm.sshAt}` : 'port 22';
  const port = vm.sshOpen === null ? 'not tried (no IP)' : vm.sshOpen ? `${where} answers` : `${where} does not answer`;
  const s = vm.sync;
  if (!s || s.skipped) return port;
  return `${port}; last session ${s.success ? `worked ${timeAgo(s.at)}` : `failed ${timeAgo(s.at)}`}`;
}

function hostsText(vm: VmView): string {
  const s = vm.sync;
  if (!s) return isActive(vm) ? 'not synced yet' : '—';
  if (!s.success) return `failed: ${s.message}`;
  if (s.skipped) return `skipped: ${s.message}`;
  if (vm.hostsStale) return 'out of date: an address changed since the last sync.';
  return `${s.changed ? 'updated' : 'in sync'} ${timeAgo(s.at)}`;
}
