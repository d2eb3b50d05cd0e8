// Planning as a pure function, in the style of seed 004's Plan: from the projects' config and
// state plus what discovery observed, compute each VM's status, the new NetworkStates and their
// StateDiffs, the duplicate-IP groups, the hosts block, and which VMs get a hosts sync and why the
// others do not. No I/O, no clock: `now` is an input. Output is sorted and deterministic.
// Unknown facts are never written: a VM not found, or running with no IPv4 yet, keeps what
// state.json says.

import { compareText } from '../compare-text.js';
import type { ResolvedMachine } from '../config/load-project.js';
import { renderHostsBlockChecked, type HostsEntry } from '../hosts/hosts-block.js';
import type { NetworkUpdate, StateFile } from '../state/state-file.js';
import type { SshTarget } from '../ssh/ssh-session.js';
import type { NetworkState, StateDiff, VmObservation, VmStatus } from '../types.js';
import { isActive, vmStatus } from './vm-status.js';

export interface ProjectFacts {
  name: string;
  configPath: string;
  machines: ResolvedMachine[];
  state: StateFile | null;
  observations: VmObservation[];
  /** Whether SSH port 22 answered at the discovered IPv4, per machine; null when not probed. */
  sshOpen: Record<string, boolean | null>;
}

export interface PlanInput {
  projects: ProjectFacts[];
  now: string;
  /** False for --no-hosts: every VM's sync is skipped with that reason. */
  syncHosts: boolean;
}

export type SyncDecision =
  | { machineName: string; action: 'sync'; target: SshTarget }
  | { machineName: string; action: 'skip'; reason: string };

export interface DuplicateGroup {
  ip: string;
  vms: Array<{ project: string; configPath: string; machineName: string }>;
}

export interface VmPlan {
  machineName: string;
  vmName: string;
  status: VmStatus;
  /** The network state.json will hold after this plan (the current one when unchanged). */
  network: NetworkState | null;
}

export interface ProjectPlan {
  project: string;
  configPath: string;
  vms: VmPlan[];
  diffs: StateDiff[];
  networkUpdates: NetworkUpdate[];
  hostsEntries: HostsEntry[];
  hostsBlock: string;
  sync: SyncDecision[];
  /** Every VM the tray could log in to now, whether or not this pass syncs (`ssh <machine>`). */
  sshTargets: SshTarget[];
  warnings: string[];
}

export interface Plan {
  projects: ProjectPlan[];
  duplicates: DuplicateGroup[];
}

export function plan(input: PlanInput): Plan {
  const duplicates = findDuplicates(input.projects);
  const conflicting = new Map<string, DuplicateGroup>();
  for (const group of duplicates) for (const vm of group.vms) conflicting.set(key(vm.configPath, vm.machineName), group);
  const projects = [...input.projects]
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.configPath, b.configPath))
    .map((p) => planProject(p, input, conflicting));
  return { projects, duplicates };
}

// Two loaded projects may share a name; their config paths tell them apart.
function key(configPath: string, machineName: string): string {
  return `${configPath}\u0000${machineName}`;
}

function currentIpv4(o: VmObservation): string | null {
  return o.found && isActive(o.discovery.vmState) ? (o.discovery.network?.ipv4 ?? null) : null;
}

/** Seed 000: IPv4 → machines; more than one machine means a conflict (across projects too: one switch). */
export function findDuplicates(projects: ProjectFacts[]): DuplicateGroup[] {
  const byIp = new Map<string, DuplicateGroup['vms']>();
  for (const p of projects) {
    for (const o of p.observations) {
      const ip = currentIpv4(o);
      if (!ip) continue;
      byIp.set(ip, [...(byIp.get(ip) ?? []), { project: p.name, configPath: p.configPath, machineName: o.ref.machineName }]);
    }
  }
  return [...byIp.entries()]
    .filter(([, vms]) => vms.length > 1)
    .map(([ip, vms]) => ({ ip, vms: vms.sort((a, b) => compareText(a.project, b.project) || compareText(a.configPath, b.configPath) || compareText(a.machineName, b.machineName)) }))
    .sort((a, b) => compareText(a.ip, b.ip));
}

function planProject(p: ProjectFacts, input: PlanInput, conflicting: Map<string, DuplicateGroup>): ProjectPlan {
  const observations = [...p.observations].sort((a, b) => compareText(a.ref.machineName, b.ref.machineName));
  const vms: VmPlan[] = [];
  const diffs: StateDiff[] = [];
  const networkUpdates: NetworkUpdate[] = [];
  const hostsEntries: HostsEntry[] = [];
  const sync: SyncDecision[] = [];
  const sshTargets: SshTarget[] = [];
  const warnings: string[] = [];
  const reported = new Set<DuplicateGroup>();

  for (const o of observations) {
    const machineName = o.ref.machineName;
    const stateVm = p.state?.vms[machineName];
    const old = stateVm?.network;
    const next = stateVm ? nextNetwork(old, o, input.now) : undefined;
    if (stateVm && next) {
      networkUpdates.push({ machineName, vmId: stateVm.id, network: next });
      diffs.push(...networkDiffs(machineName, old, next));
    }
    const sshOpen = p.sshOpen[machineName] ?? null;
    vms.push({ machineName, vmName: o.ref.vmName, status: vmStatus(o, sshOpen), network: next ?? old ?? null });

    const ip = currentIpv4(o);
    const group = conflicting.get(key(p.configPath, machineName));
    if (group && !reported.has(group)) {
      reported.add(group);
      warnings.push(`Duplicate IPv4 ${group.ip}: ${group.vms.map((v) => (v.configPath === p.configPath ? v.machineName : `${v.project}/${v.machineName}`)).join(', ')} all report it. It is still recorded in state.json, but these VMs are left out of the hosts block and their hosts sync is skipped until the conflict clears (restart one of them to get a new lease).`);
    }
    if (ip && !group) hostsEntries.push({ ip, name: machineName });
    const reach = reachability(p, o, ip, group, sshOpen);
    sync.push(input.syncHosts ? reach : { machineName, action: 'skip', reason: 'hosts sync not requested (--no-hosts)' });
    if (reach.action === 'sync') sshTargets.push(reach.target);
  }
  const rendered = renderHostsBlockChecked(hostsEntries);
  for (const s of rendered.skipped) warnings.push(`${s.reason}. Rename that machine (letters, digits and inner hyphens) in ragnatramp.yaml and state.json.`);
  return { project: p.name, configPath: p.configPath, vms, diffs, networkUpdates, hostsEntries, hostsBlock: rendered.block, sync, sshTargets, warnings };
}

/** Whether and how the tray can log in to this VM now: its SSH target, or why not. */
function reachability(p: ProjectFacts, o: VmObservation, ip: string | null, group: DuplicateGroup | undefined, sshOpen: boolean | null): SyncDecision {
  const machineName = o.ref.machineName;
  const skip = (reason: string): SyncDecision => ({ machineName, action: 'skip', reason });
  if (!o.found) return skip(o.ref.vmId ? 'VM not found in Hyper-V' : 'machine not created yet');
  if (!isActive(o.discovery.vmState)) return skip(`VM is ${o.discovery.vmState}`);
  if (!ip) return skip('no IPv4 address discovered yet');
  if (group) return skip(`duplicate IPv4 ${group.ip} (shared with ${group.vms.filter((v) => v.machineName !== machineName || v.configPath !== p.configPath).map((v) => (v.configPath === p.configPath ? v.machineName : `${v.project}/${v.machineName}`)).join(', ')})`);
  const machine = p.machines.find((m) => m.name === machineName);
  if (!machine) return skip('machine is no longer in ragnatramp.yaml');
  if (!machine.ssh) return skip(`no ssh settings: add ssh: { user, private_key } under defaults or under machine '${machineName}' in ${p.configPath}`);
  if (sshOpen === false) return skip(`SSH port 22 at ${ip} is not open yet (the guest is booting, or sshd is not running)`);
  return {
    machineName,
    action: 'sync',
    target: {
      machineName,
      host: ip,
      port: 22,
      user: machine.ssh.user,
      privateKeyPath: machine.ssh.privateKeyPath,
      hostKeyAlias: o.hypervisorId ? `vm:${o.hypervisorId}` : `project:${p.name}/${machineName}`,
    },
  };
}

/** The NetworkState to record, or undefined to leave state.json's value as it is. */
export function nextNetwork(old: NetworkState | undefined, o: VmObservation, now: string): NetworkState | undefined {
  if (!o.found) return undefined;
  if (!isActive(o.discovery.vmState)) {
    if (!old || (old.ipv4 === null && old.mac === null && old.discoveredAt === null && !old.ipv6)) return undefined;
    const previousIpv4 = old.ipv4 ?? old.previousIpv4;
    return { ipv4: null, mac: null, adapterName: null, discoveredAt: null, source: old.source, ...(previousIpv4 !== undefined ? { previousIpv4 } : {}) };
  }
  const found = o.discovery.network;
  if (!found?.ipv4) return undefined;
  if (old && sameNetwork(old, found)) return undefined;
  const previousIpv4 = old?.ipv4 && old.ipv4 !== found.ipv4 ? old.ipv4 : old?.previousIpv4;
  return {
    ipv4: found.ipv4,
    ...(found.ipv6 && found.ipv6.length > 0 ? { ipv6: [...found.ipv6] } : {}),
    mac: found.mac,
    adapterName: found.adapterName ?? null,
    discoveredAt: now,
    source: found.source,
    ...(previousIpv4 !== undefined ? { previousIpv4 } : {}),
  };
}

function sameNetwork(a: NetworkState, b: NetworkState): boolean {
  return a.ipv4 === b.ipv4 && a.mac === b.mac && a.source === b.source && (a.adapterName ?? null) === (b.adapterName ?? null) && (a.ipv6 ?? []).join(',') === (b.ipv6 ?? []).join(',');
}

const DIFF_FIELDS = ['ipv4', 'ipv6', 'mac', 'adapterName', 'source', 'previousIpv4'] as const;

function networkDiffs(machineName: string, old: NetworkState | undefined, next: NetworkState): StateDiff[] {
  const show = (n: NetworkState | undefined, f: (typeof DIFF_FIELDS)[number]): string | null => {
    const v = n?.[f];
    if (v === undefined || v === null) return null;
    return Array.isArray(v) ? (v.length > 0 ? v.join(', ') : null) : v;
  };
  return DIFF_FIELDS.flatMap((f) => {
    const oldValue = show(old, f);
    const newValue = show(next, f);
    return oldValue === newValue ? [] : [{ machineName, field: `network.${f}`, oldValue, newValue }];
  });
}
