// Hyper-V's own facts about a VM: the Key-Value Pair Exchange integration service, which is how
// Hyper-V learns a guest's IP (the guest's hv_kvp_daemon reports it), and the advice each of its
// states calls for, with the exact command that fixes it.

import type { KvpStatus } from '../../seed-types.js';
import { warning, type Warning } from '../../warning.js';
import { enableKvpCommand, KVP_PACKAGE_HINT, UBUNTU_KVP_FIX } from './fix-commands.js';

export interface HypervDetail {
  provider: 'hyperv';
  /** KVP status as Hyper-V reports it, with its raw detail ('Lost Communication'). */
  kvp: { status: KvpStatus; detail: string | null };
}

export const KVP_WARNING = {
  noContact: 'hyperv/kvp-no-contact',
  lost: 'hyperv/kvp-lost',
  disabled: 'hyperv/kvp-disabled',
  unknown: 'hyperv/kvp-unknown',
} as const;

/** What a running VM's KVP status means for the user, and the fix; nothing when it is OK. */
export function kvpAdvice(kvp: HypervDetail['kvp'], vm: { name: string; id: string | null }, foundInArp: boolean): Warning[] {
  switch (kvp.status) {
    case 'OK':
      return [];
    case 'No Contact':
      return kvp.detail === 'Lost Communication'
        ? [warning(KVP_WARNING.lost, 'KVP lost communication with the guest: its KVP daemon stopped. Restart it in the guest: sudo systemctl restart hv-kvp-daemon.service (Debian: hyperv-daemons.hv-kvp-daemon.service).')]
        : [warning(KVP_WARNING.noContact, `KVP reports 'No Contact': the guest's KVP daemon (hv_kvp_daemon) is not installed or not running, so Hyper-V cannot report the guest's IP${foundInArp ? ' (the tray found it in the ARP table instead)' : ''}. Fix in an Ubuntu guest: ${UBUNTU_KVP_FIX.join(' && ')}. Package elsewhere: ${KVP_PACKAGE_HINT}.`)];
    case 'Disabled':
      return [warning(KVP_WARNING.disabled, `The Key-Value Pair Exchange integration service is disabled for this VM, so Hyper-V cannot see guest IPs. Enable it (PowerShell on the host): ${enableKvpCommand(vm.name, vm.id)}`)];
    case 'Unknown':
      return [warning(KVP_WARNING.unknown, `KVP status is unknown${kvp.detail ? ` (${kvp.detail})` : ''}; IP discovery relies on the host's ARP table.`)];
  }
}
