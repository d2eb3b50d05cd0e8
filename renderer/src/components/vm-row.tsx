// One VM as one line of the glance (status dot, name, IPv4 with copy, tier, at most one short
// problem: the words of contract/vm-line.ts, which the tray menu shows too), and its details on
// expand: the provider's facts with why and the fix, SSH, the hosts block, when the IP was
// recorded and checked, the MAC and the address before, the VM's warnings, and its actions.
import { useEffect, useRef, useState } from 'react';
import type { VmView } from '../../../contract/api';
import type { VmLine } from '../../../contract/vm-line';
import { formatMac, STATUS_HELP, timeAgo } from '../format';
import { Confirm } from './confirm';
import { CopyButton } from './copy-button';
import { VmPowerActions } from './vm-power-actions';
import { useStore } from '../store';
import { VmHistory } from './vm-history';

/** `lastSeen`: set while the hypervisor cannot be asked, when the row was last seen as it shows. */
export function VmRow({ vm, line, progress, focused, configPath, checkedAt, lastSeen }: { vm: VmView; line: VmLine; progress: string | undefined; focused: boolean; configPath: string; checkedAt: string | null; lastSeen: string | null }) {
  const ref = useRef<HTMLLIElement>(null);
  const [open, setOpen] = useState(focused);
  useEffect(() => {
    if (!focused) return;
    // Brought into view from a notice or the header: its details are what the user came for.
    setOpen(true);
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  const detailsId = `vm-details-${vm.key}`;
  const statusWord = lastSeen ? `${vm.status} when last seen at ${clock(lastSeen)}` : vm.status;
  return (
    <li ref={ref} id={`vm-${vm.key}`} className={`vm-row${focused ? ' focused' : ''}${lastSeen ? ' stale' : ''}`} data-testid={`vm-${vm.machineName}`} tabIndex={focused ? -1 : undefined} aria-label={`${line.label}: ${statusWord}${vm.ipv4 ? `, ${vm.ipv4}` : ''}${vm.problems.length > 0 ? `, ${vm.problems.map((x) => x.text).join(', ')}` : ''}`}>
      {/* While the hypervisor cannot be asked, the last status is history: greyed, with its time. */}
      <span className={`dot ${lastSeen ? 'dot-stale' : `dot-${vm.status}`}`} role="img" aria-label={statusWord} title={lastSeen ? 'As last seen: the hypervisor cannot be asked now' : `${vm.status}: ${STATUS_HELP[vm.status]}`} data-testid="status" />
      <button type="button" className="vm-toggle" aria-expanded={open} aria-controls={detailsId} aria-label={`${line.label} details`} onClick={() => setOpen(!open)} data-testid="toggle">
        <span className="chevron" aria-hidden="true" />
        <span className="vm-name">{line.label}</span>
      </button>
      <span className="vm-address">
        {vm.ipv4 ? (
          <span className={`ip${vm.duplicateOf.length > 0 ? ' ip-duplicate' : ''}`} data-testid="ipv4" title={vm.duplicateOf.length > 0 ? `Also reported by ${vm.duplicateOf.join(', ')}: see the banner above` : undefined}>
            {vm.ipv4}
          </span>
        ) : vm.sshAt ? (
          <span className="ip" data-testid="ssh-at" title="No address of its own that other VMs can reach: SSH goes through a port forward on this computer">
            {line.address}
          </span>
        ) : (
          <span className="muted" data-testid="ip-unknown">
            {line.address}
          </span>
        )}
      </span>
      <span className="vm-copy">{vm.ipv4 && <CopyButton text={vm.ipv4} label={`${vm.machineName}'s IP address`} />}</span>
      <span className="vm-tier">
        {line.tier && vm.tier && (
          <span className={`badge tier-${vm.tier.id}`} title={vm.tier.help} data-testid="tier">
            {line.tier}
          </span>
        )}
      </span>
      {lastSeen ? (
        <span className="vm-problem muted" data-testid="last-seen">
          last seen {clock(lastSeen)}
        </span>
      ) : (
        line.problem && (
          <span className="vm-problem" data-testid="problem">
            {line.problem}
          </span>
        )
      )}
      <div className="vm-details" id={detailsId} hidden={!open} data-testid="details">
        <VmDetails vm={vm} progress={progress} configPath={configPath} checkedAt={checkedAt} lastSeen={lastSeen} />
      </div>
    </li>
  );
}

function VmDetails({ vm, progress, configPath, checkedAt, lastSeen }: { vm: VmView; progress: string | undefined; configPath: string; checkedAt: string | null; lastSeen: string | null }) {
  const run = useStore((s) => s.run);
  const setTab = useStore((s) => s.setTab);
  // Simulated VMs answer no real SSH: no button that can only fail.
  const canSsh = useStore((s) => !s.app?.simulated);
  const [confirmingKey, setConfirmingKey] = useState(false);
  const keyChanged = vm.sync?.problem === 'host-key-changed';
  const active = isActive(vm);
  return (
    <>
      <dl className="vm-facts">
        <div className="fact">
          <dt>Status</dt>
          <dd>
            {statusText(vm)}
          </dd>
        </div>
        {vm.status === 'missing' && (
          <div className="fact">
            <dt>Looked in</dt>
            <dd data-testid="looked-in">not found in {vm.lookedIn}</dd>
          </div>
        )}
        {vm.status === 'unknown' && (
          <div className="fact">
            <dt>Looked in</dt>
            <dd data-testid="looked-in">{vm.lookedIn} could not be asked (the cause is above)</dd>
          </div>
        )}
        {!vm.ipv4 && vm.lastKnownIpv4 && (
          <div className="fact">
            <dt>Last known</dt>
            <dd className="last-known" data-testid="last-known" title="The address state.json last recorded">
              {vm.lastKnownIpv4}
            </dd>
          </div>
        )}
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
          <dd data-testid="sync">{progress ? `${progress}…` : hostsText(vm)}</dd>
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
      {/* The VM's actions: Open SSH, the host key; Start, Stop and Restart below (not while the hypervisor cannot be asked). */}
      <div className="vm-actions" data-testid="vm-actions">
        {(vm.ipv4 || vm.sshAt) && vm.status === 'running' && canSsh && (
          <button type="button" onClick={() => void run((api) => api.openSsh(configPath, vm.machineName))} aria-label={`Open SSH to ${vm.machineName}`}>
            Open SSH
          </button>
        )}
        {keyChanged && !confirmingKey && (
          <button type="button" data-opens={`Trust ${vm.machineName}'s new host key`} onClick={() => setConfirmingKey(true)}>
            Trust the new host key…
          </button>
        )}
      </div>
      {!lastSeen && <VmPowerActions vm={vm} configPath={configPath} />}
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
    </>
  );
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });

/** Whether the VM is up as far as this pass knows (not stopped, missing or hidden by a cause of the host). */
const isActive = (vm: VmView) => vm.status !== 'stopped' && vm.status !== 'missing' && vm.status !== 'unknown';

function statusText(vm: VmView): string {
  switch (vm.status) {
    case 'running':
      return vm.ipv4 || vm.sshAt ? 'running: SSH answers' : 'running; its address is not known any more';
    case 'booting':
      return 'booting: it has an address; SSH does not answer yet';
    case 'initializing':
      return 'initializing: started, and no address known yet';
    case 'stopped':
      return vm.vmState.toLowerCase() === 'off' ? 'stopped' : `stopped (${vm.vmState})`;
    default:
      return vm.status;
  }
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
  if (vm.hostsStale) return 'out of date: an address changed since the last sync';
  return `${s.changed ? 'updated' : 'in sync'} ${timeAgo(s.at)}`;
}
