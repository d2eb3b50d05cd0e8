// The command line's tables, read straight from the plan's VM records: the status table, the
// reconcile table with each VM's hosts outcome, and the warnings list.

import { displayMac } from '../engine/discovery/net-address.js';
import type { VmRecord } from '../engine/plan/vm-record.js';
import { tierInfo } from '../engine/providers/registry.js';
import type { HostsSyncResult } from '../engine/seed-types.js';
import type { SyncOutcome } from '../engine/ssh/sync-hosts.js';
import { nameLabel } from '../engine/excerpt.js';
import { formatTable } from './format-table.js';
import { safeText } from './sanitize.js';

const tier = (r: VmRecord) => (r.tier ? tierInfo(r.tier).label : '-');
const kvp = (r: VmRecord) => (r.detail.provider === 'hyperv' ? r.detail.kvp.status : '-');
/** A VM reached through a port forward shows where: it has no address of its own to list. */
const address = (r: VmRecord) => r.ipv4 ?? (r.forward ? `${r.forward.host}:${r.forward.port} (forward)` : '-');
const ssh = (r: VmRecord) => (r.sshOpen === null ? '-' : r.sshOpen ? 'open' : 'closed');

/** KVP is Hyper-V's: the column is there only when a Hyper-V VM is listed. */
export function statusTable(records: VmRecord[]): string {
  const withKvp = records.some((r) => r.detail.provider === 'hyperv');
  return formatTable(['MACHINE', 'STATUS', 'IPv4', 'SOURCE', 'MAC', ...(withKvp ? ['KVP'] : []), 'SSH'], records.map((r) => [r.machineName, r.status, address(r), tier(r), displayMac(r.mac) || '-', ...(withKvp ? [kvp(r)] : []), ssh(r)]));
}

export function reconcileTable(records: VmRecord[], results: HostsSyncResult[], synced: SyncOutcome[]): string {
  return formatTable(['MACHINE', 'STATUS', 'IPv4', 'SOURCE', 'HOSTS'], records.map((r) => {
    const result = results.find((x) => x.machineName === r.machineName)!;
    const s = synced.find((x) => x.machineName === r.machineName);
    const hosts = result.skipped ? `skipped: ${result.skipReason}` : result.success ? (s?.changed ? 'updated' : 'already current') : `FAILED: ${result.error}`;
    return [r.machineName, r.status, address(r), tier(r), hosts];
  }));
}

export const vmWarnings = (records: VmRecord[]): string[] => records.flatMap((r) => r.warnings.map((w) => `${nameLabel(r.machineName)}: ${w.text}`));

export function printWarnings(write: (text: string) => void, warnings: string[]): void {
  if (warnings.length === 0) return;
  write(`  warnings:\n${warnings.map((w) => safeText(`  ! ${w}`)).join('\n')}\n`);
}
