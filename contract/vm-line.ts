// One VM as one line of the glance, in the same words wherever it shows (the window's row, the
// tray menu): its name (with its project where two watched projects share the name), where it is
// (its IPv4, or the status word that stands in its place), the tier that found the address, and
// at most one short problem. Pure data, so that both sides are built from it and tested against
// each other.

import { sharedNames, vmLabel, type AppState, type TierView, type VmStatus, type VmView } from './api.js';

/** The one name of the action that syncs the guests' hosts: the window, the tray menu and the notices all say it. */
export const SYNC_NOW = 'Sync now';

/**
 * Problems said once for the whole window, never on each row: a duplicate IPv4 is one banner
 * naming its VMs; hosts out of date (one address change makes every peer's block old) is one
 * banner with Sync now.
 */
export const PROJECT_WIDE_CHECKS: readonly string[] = ['duplicate-ip', 'hosts-stale'];

export interface VmLine {
  key: string;
  machineName: string;
  /** The machine name, or project/machine where two watched projects share the machine name. */
  label: string;
  status: VmStatus;
  /** The IPv4 (or the SSH forward), else the word for why there is none: "IP unknown", "stopped", "missing", "unknown". */
  address: string;
  ipv4: string | null;
  /** Where SSH reaches a VM with no address of its own (a port forward on this host). */
  sshAt: string | null;
  /** The tier badge, worded so that it cannot read as a name: "via KVP", "from cache". */
  tier: string | null;
  problem: string | null;
}

/** A tier as its badge names it. */
export const tierWord = (tier: TierView): string => (tier.id === 'cache' ? 'from cache' : `via ${tier.label}`);

function address(vm: VmView): string {
  if (vm.ipv4) return vm.ipv4;
  if (vm.sshAt) return `SSH via ${vm.sshAt}`;
  if (vm.status === 'stopped') return vm.vmState.toLowerCase() === 'off' ? 'stopped' : `stopped (${vm.vmState})`;
  if (vm.status === 'missing' || vm.status === 'unknown') return vm.status;
  return 'IP unknown';
}

/** The one problem a line shows: the first the row owns; an unknown address already says "IP unknown", so its cause only. */
function problem(vm: VmView): string | null {
  const own = vm.problems.find((p) => !PROJECT_WIDE_CHECKS.includes(p.check));
  if (!own) return null;
  if (own.check !== 'ip-unknown') return own.text;
  const failing = vm.facts.find((f) => f.ok === false);
  return failing ? `${failing.label} ${failing.value}` : null;
}

export function vmLine(vm: VmView, label: string): VmLine {
  return { key: vm.key, machineName: vm.machineName, label, status: vm.status, address: address(vm), ipv4: vm.ipv4, sshAt: vm.sshAt, tier: vm.tier ? tierWord(vm.tier) : null, problem: problem(vm) };
}

/** Every watched VM's line, in the window's order (projects as watched, VMs as planned). */
export function vmLines(state: Pick<AppState, 'projects'>): Array<VmLine & { configPath: string }> {
  const shared = sharedNames(state);
  return state.projects.flatMap((p) => p.vms.map((v) => ({ ...vmLine(v, vmLabel(p.name, v.machineName, shared)), configPath: p.configPath })));
}

/** The line as plain text (the tray menu's item): its parts two spaces apart, the problem after a dot. */
export const lineText = (line: VmLine): string => [line.label, line.address, line.tier, line.problem && `· ${line.problem}`].filter(Boolean).join('  ');
