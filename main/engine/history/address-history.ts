// Each VM's last addresses, with when they were seen: a bounded list per VM (newest first), noted
// from the plan's records after a pass. Pure: the tray keeps it in its own file
// (history-file.ts), never in Ragnatramp's state.json, whose schema is seed 000's.

/** One stretch of a VM at one address: first seen at `seenAt`, until `endedAt` (null: still its address at the last look). */
export interface AddressSeen {
  ipv4: string;
  seenAt: string;
  endedAt: string | null;
}

/** Per config path, per machine, newest first. */
export type AddressHistory = Record<string, Record<string, AddressSeen[]>>;

/** How many stretches a VM keeps: enough to see a renumbering pattern, small enough to show in a row. */
export const HISTORY_LENGTH = 10;

/** Projects kept: a removed project's history stays until this many newer ones push it out. */
export const HISTORY_PROJECTS = 100;

/** What a pass said of one VM: its current IPv4 (null when none is known) and whether it runs. */
export interface SeenVm {
  machineName: string;
  ipv4: string | null;
  /** false: stopped or missing, so a stretch at an address has ended. */
  active: boolean;
}

/** One VM's list after a look at `at`; the same array when nothing changed. */
export function noteVm(list: AddressSeen[], vm: SeenVm, at: string): AddressSeen[] {
  const latest = list[0];
  const open = latest && latest.endedAt === null ? latest : null;
  if (vm.ipv4 === null) {
    // A running VM whose address is not known this pass has not changed it (seed 004: an unknown
    // is never recorded); a stopped or missing one has left it.
    if (vm.active || !open) return list;
    return [{ ...open, endedAt: at }, ...list.slice(1)];
  }
  if (open?.ipv4 === vm.ipv4) return list;
  const rest = open ? [{ ...open, endedAt: at }, ...list.slice(1)] : list;
  return [{ ipv4: vm.ipv4, seenAt: at, endedAt: null }, ...rest].slice(0, HISTORY_LENGTH);
}

/**
 * The history after a pass over one project: each VM noted, and machines the project no longer
 * has dropped. Returns the same object when nothing changed (so nothing is written).
 */
export function noteProject(history: AddressHistory, configPath: string, vms: SeenVm[], at: string): AddressHistory {
  const before = (Object.hasOwn(history, configPath) ? history[configPath] : undefined) ?? {};
  // A hypervisor names the machines of some projects: no name may reach Object.prototype.
  const after: Record<string, AddressSeen[]> = Object.create(null) as Record<string, AddressSeen[]>;
  let changed = Object.keys(before).some((m) => !vms.some((v) => v.machineName === m));
  for (const vm of vms) {
    const list = (Object.hasOwn(before, vm.machineName) ? before[vm.machineName] : undefined) ?? [];
    const next = noteVm(list, vm, at);
    if (next !== list) changed = true;
    if (next.length > 0) after[vm.machineName] = next;
  }
  return changed ? bounded({ ...history, [configPath]: after }, configPath) : history;
}

/** The newest stretch a project's VMs were seen in, for telling which projects were seen last. */
const lastSeen = (project: Record<string, AddressSeen[]>) => Object.values(project).reduce((latest, list) => (list[0] && (list[0].endedAt ?? list[0].seenAt) > latest ? (list[0].endedAt ?? list[0].seenAt) : latest), '');

/** At most HISTORY_PROJECTS projects: those seen longest ago go first, never the one just noted. */
function bounded(history: AddressHistory, noted: string): AddressHistory {
  const paths = Object.keys(history);
  if (paths.length <= HISTORY_PROJECTS) return history;
  // An open stretch is current: it counts as seen now.
  const seen = (p: string) => (p === noted || Object.values(history[p]!).some((l) => l[0]?.endedAt === null) ? '\uffff' : lastSeen(history[p]!));
  const keep = new Set(paths.sort((a, b) => (seen(b) > seen(a) ? 1 : seen(b) < seen(a) ? -1 : 0)).slice(0, HISTORY_PROJECTS));
  return Object.fromEntries(Object.entries(history).filter(([p]) => keep.has(p)));
}

/** One VM's stretches, newest first (none when it was never seen with an address). */
export function historyOf(history: AddressHistory, configPath: string, machineName: string): AddressSeen[] {
  const project = Object.hasOwn(history, configPath) ? history[configPath]! : {};
  return (Object.hasOwn(project, machineName) ? project[machineName] : undefined) ?? [];
}
