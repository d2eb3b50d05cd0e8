// Planning as a pure function, in the style of seed 004's Plan: from the projects' config and
// state plus what discovery observed, compute each VM's status, the new NetworkStates and their
// StateDiffs, the duplicate-IP groups, the hosts block, and which VMs get a hosts sync and why the
// others do not. No I/O, no clock: `now` is an input. Output is sorted and deterministic.
// Unknown facts are never written: a VM not found, or running with no IPv4 yet, keeps what
// state.json says. Each VM comes out as one finished VmRecord.

import { compareText } from '../compare-text.js';
import { DUPLICATE_WHY } from '../diagnostics/clone-check.js';
import type { ResolvedMachine } from '../config/load-project.js';
import { isActive, type VmObservation } from '../discovery/observation.js';
import { hostnameProblem, renderHostsBlockChecked, type HostsEntry } from '../hosts/hosts-block.js';
import { excerpt } from '../excerpt.js';
import type { NetworkState, StateDiff } from '../seed-types.js';
import type { NetworkUpdate, StateFile } from '../state/state-file.js';
import { hostKeyAlias, type SshTarget } from '../ssh/ssh-session.js';
import { warning, type Warning } from '../warning.js';
import type { DuplicatePeer, SyncDecision, VmRecord } from './vm-record.js';
import { vmStatus } from './vm-status.js';
import { extraNames, type ProjectNames } from './host-names.js';

export interface ProjectFacts {
  name: string;
  configPath: string;
  machines: ResolvedMachine[];
  state: StateFile | null;
  observations: VmObservation[];
  /** Whether SSH port 22 answered at the discovered IPv4, per machine; null when not probed. */
  sshOpen: Record<string, boolean | null>;
  /** The domain suffix and aliases the app's settings give the project's machines. */
  names?: ProjectNames;
  /** 'watched': a provider-defined project (no ragnatramp.yaml): its fixes read differently. */
  kind?: 'ragnatramp' | 'watched';
}

export interface PlanInput {
  projects: ProjectFacts[];
  now: string;
  /** False for --no-hosts: every VM's sync is skipped with that reason. */
  syncHosts: boolean;
}

export interface DuplicateGroup {
  ip: string;
  vms: DuplicatePeer[];
}

export interface ProjectPlan {
  project: string;
  configPath: string;
  /** One finished record per VM, sorted by machine name. */
  vms: VmRecord[];
  diffs: StateDiff[];
  networkUpdates: NetworkUpdate[];
  hostsEntries: HostsEntry[];
  hostsBlock: string;
}

export interface Plan {
  projects: ProjectPlan[];
  duplicates: DuplicateGroup[];
}

const SSHD_FIX = 'sudo systemctl enable --now ssh   # Debian/Ubuntu; sshd on RHEL/Fedora';

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

/** The one place that decides whether a VM has a current IPv4: found, active, and discovered (or its cached address confirmed). */
function currentIpv4(o: VmObservation): string | null {
  return o.found && isActive(o.power) ? (o.network?.ipv4 ?? o.cached?.ipv4 ?? null) : null;
}

/** Seed 000: IPv4 → machines; more than one machine means a conflict (across projects too: one switch). */
export function findDuplicates(projects: ProjectFacts[]): DuplicateGroup[] {
  const byIp = new Map<string, DuplicatePeer[]>();
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

/** A peer as this project's user calls it: its machine name here, project/machine elsewhere. */
export const peerName = (configPath: string, v: DuplicatePeer): string => (v.configPath === configPath ? v.machineName : `${v.project}/${v.machineName}`);

function planProject(p: ProjectFacts, input: PlanInput, conflicting: Map<string, DuplicateGroup>): ProjectPlan {
  const observations = [...p.observations].sort((a, b) => compareText(a.ref.machineName, b.ref.machineName));
  const records: VmRecord[] = [];
  const diffs: StateDiff[] = [];
  const networkUpdates: NetworkUpdate[] = [];
  const candidates: HostsEntry[] = [];

  for (const o of observations) {
    const machineName = o.ref.machineName;
    // Machine names may be a hypervisor's (constructor, __proto__): own keys only, never Object's members.
    const stateVm = p.state && Object.hasOwn(p.state.vms, machineName) ? p.state.vms[machineName] : undefined;
    const old = stateVm?.network;
    const next = stateVm ? nextNetwork(old, o, input.now) : undefined;
    if (stateVm && next) {
      networkUpdates.push({ machineName, vmId: stateVm.id, network: next });
      diffs.push(...networkDiffs(machineName, old, next));
    }
    const ipv4 = currentIpv4(o);
    const forward = o.found && isActive(o.power) ? (o.forward ?? null) : null;
    const sshOpen = ipv4 || forward ? ((Object.hasOwn(p.sshOpen, machineName) ? p.sshOpen[machineName] : null) ?? null) : null;
    const group = conflicting.get(key(p.configPath, machineName));
    const duplicateOf = group ? group.vms.filter((v) => v.machineName !== machineName || v.configPath !== p.configPath) : [];
    const extra = extraNames(machineName, p.names);
    if (ipv4 && !group) candidates.push({ ip: ipv4, name: machineName, ...(extra.names.length > 0 ? { aliases: extra.names } : {}) });
    const machine = p.machines.find((m) => m.name === machineName);
    const reach = reachability(p, o, ipv4, duplicateOf, machine, sshOpen);
    const syncable: SyncDecision = !('target' in reach) ? reach : forward ? { action: 'skip', reason: forward.isolated } : { action: 'sync' };
    const ipChange = next && (old?.ipv4 ?? null) !== next.ipv4 ? { from: old?.ipv4 ?? null, to: next.ipv4 } : null;
    records.push({
      machineName,
      vmName: o.ref.vmName,
      status: vmStatus(o.found, o.power, !!(ipv4 || forward), sshOpen),
      found: o.found,
      power: o.power,
      vmState: o.vmState,
      lookedIn: o.lookedIn,
      ipv4,
      ipv6: ipv4 ? [...(o.network?.ipv6 ?? [])] : [],
      mac: o.network?.mac ?? next?.mac ?? old?.mac ?? null,
      tier: !ipv4 ? null : o.network?.ipv4 ? o.tier : 'cache',
      sshOpen,
      forward: forward && { host: forward.host, port: forward.port },
      duplicateOf,
      sshTarget: 'target' in reach ? reach.target : null,
      sync: !input.syncHosts ? { action: 'skip', reason: 'hosts sync not requested (--no-hosts)' } : syncable,
      syncable,
      observed: o.network,
      recorded: next ?? old ?? null,
      // Running with no address found: state.json keeps the last one (seed 004: never write an unknown).
      keptIpv4: o.found && isActive(o.power) && !o.network?.ipv4 ? (old?.ipv4 ?? null) : null,
      ipChange,
      aliases: extra.names,
      warnings: [...o.warnings, ...vmWarnings(p, o, ipv4, duplicateOf, machine, sshOpen), ...extra.problems.map((t) => warning('bad-alias', `${t}; it is written nowhere. Change it in Settings.`, 'extra name unusable'))],
      detail: o.detail,
    });
  }
  const rendered = renderHostsBlockChecked(candidates);
  const rename = p.kind === 'watched' ? 'Rename that VM in its hypervisor (letters, digits and inner hyphens); it is still watched, and reachable at its address.' : 'Rename that machine (letters, digits and inner hyphens) in ragnatramp.yaml and state.json.';
  for (const s of rendered.skipped) {
    const r = records.find((x) => x.machineName === s.name);
    if (s.alias) r?.warnings.push(warning('bad-alias', `${s.reason}. Change it in Settings.`, 'extra name unusable'));
    else r?.warnings.push(warning('bad-hostname', `${s.reason}. ${rename}`, 'name unusable in hosts'));
  }
  // A hypervisor's names are anyone's: said from the start, not only once the VM has an address.
  if (p.kind === 'watched') {
    for (const r of records) {
      const problem = r.ipv4 ? null : hostnameProblem(r.machineName);
      if (problem) r.warnings.push(warning('bad-hostname', `The VM name ${excerpt(r.machineName)} ${problem}; it is left out of the hosts block. ${rename}`, 'name unusable in hosts'));
    }
  }
  return { project: p.name, configPath: p.configPath, vms: records, diffs, networkUpdates, hostsEntries: candidates, hostsBlock: rendered.block };
}

/** What the neutral core has to say about a VM, beyond what its provider said. */
function vmWarnings(p: ProjectFacts, o: VmObservation, ipv4: string | null, duplicateOf: DuplicatePeer[], machine: ResolvedMachine | undefined, sshOpen: boolean | null): Warning[] {
  const out: Warning[] = [];
  if (!o.found) return out;
  if (!isActive(o.power)) return [warning('vm-stopped', `VM is ${o.vmState}: start it (${o.startWith ?? "'ragnatramp up'"}) to discover its IP and sync its hosts.`)];
  const choice = o.addressChoice;
  if (choice && choice.candidates.length > 1) {
    const [chosen, ...others] = choice.candidates;
    out.push(warning('several-addresses', `${capitalize(choice.table)} has several IPv4 addresses for MAC ${o.network?.mac ?? '(none)'}: using ${chosen}${choice.by === 'port-22' ? ', the only one answering on port 22' : ''}, passing over ${others.join(', ')}.`, 'several addresses'));
  }
  if (ipv4 && duplicateOf.length > 0) {
    out.push(warning('duplicate-ip', `Duplicate IPv4 ${ipv4}: ${duplicateOf.map((v) => peerName(p.configPath, v)).join(', ')} report${duplicateOf.length === 1 ? 's' : ''} it too. It is still recorded in state.json, but these VMs are left out of the hosts block and their hosts sync is skipped until the conflict clears. ${DUPLICATE_WHY}`));
  }
  if (ipv4 && sshOpen === false) out.push(warning('ssh-closed', `SSH port 22 at ${ipv4} does not answer: start sshd in the guest (${SSHD_FIX}) or open port 22 in its firewall.`));
  const forward = o.forward;
  if (forward && sshOpen === false) out.push(warning('ssh-closed', `SSH through the port forward ${forward.host}:${forward.port} does not answer: the guest is still booting, or sshd is not running in it (${SSHD_FIX}).`));
  if (!machine) out.push(warning('not-in-config', `Machine '${o.ref.machineName}' is in state.json but no longer in ${p.configPath}; it is left out of hosts sync.`, 'not in ragnatramp.yaml'));
  else if (!machine.ssh) out.push(warning('no-ssh-settings', `No ssh settings for '${o.ref.machineName}': hosts sync needs ${sshHelp(p, o.ref.machineName)}.`, 'no ssh settings'));
  return out;
}

/** Where a machine's SSH login is given: ragnatramp.yaml's ssh block, or the app's settings for a project with none. */
const sshHelp = (p: ProjectFacts, machineName: string): string =>
  p.kind === 'watched' ? `an SSH user and key for the project or for VM '${machineName}' (Settings, or --ssh-user and --ssh-key)` : `ssh: { user, private_key } under defaults or under machine '${machineName}' in ${p.configPath}`;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Whether and how the tray can log in to this VM now: its SSH target, or why not. */
function reachability(p: ProjectFacts, o: VmObservation, ip: string | null, duplicateOf: DuplicatePeer[], machine: ResolvedMachine | undefined, sshOpen: boolean | null): { target: SshTarget } | Extract<SyncDecision, { action: 'skip' }> {
  const machineName = o.ref.machineName;
  const skip = (reason: string) => ({ action: 'skip' as const, reason });
  // A VM the provider knows but has not made yet (quickemu's .conf never started) is not missing.
  if (!o.found) return skip(o.ref.vmId && !o.warnings.some((w) => w.code === 'not-created') ? `VM not found in ${o.lookedIn}` : 'machine not created yet');
  if (!isActive(o.power)) return skip(`VM is ${o.vmState}`);
  const at = o.forward ? { host: o.forward.host, port: o.forward.port } : ip ? { host: ip, port: 22 } : null;
  if (!at) return skip('no IPv4 address discovered yet');
  if (ip && duplicateOf.length > 0) return skip(`duplicate IPv4 ${ip} (shared with ${duplicateOf.map((v) => peerName(p.configPath, v)).join(', ')})`);
  if (!machine) return skip('machine is no longer in ragnatramp.yaml');
  if (!machine.ssh) return skip(`no ssh settings: add ${sshHelp(p, machineName)}`);
  if (sshOpen === false) return skip(`SSH ${o.forward ? `through the port forward ${at.host}:${at.port}` : `port 22 at ${at.host}`} has no SSH server answering yet (the guest is booting or hung, or sshd is not running)`);
  return {
    target: {
      machineName,
      host: at.host,
      port: at.port,
      user: machine.ssh.user,
      privateKeyPath: machine.ssh.privateKeyPath,
      hostKeyAlias: hostKeyAlias(p.name, machineName, o.hypervisorId),
    },
  };
}

/**
 * The NetworkState to record, or undefined to leave state.json's value as it is. Only Off clears
 * it (seed 000's "stopped" transition): a Saved or Paused VM keeps its DHCP lease, and a state in
 * between (Starting, Stopping, unknown) tells nothing new. `discoveredAt` is when the provider
 * found the address, not when the plan ran (the DHCP wait may lie between).
 */
export function nextNetwork(old: NetworkState | undefined, o: VmObservation, now: string): NetworkState | undefined {
  if (!o.found) return undefined;
  if (o.power === 'off') {
    if (!old || (old.ipv4 === null && old.mac === null && old.discoveredAt === null && !old.ipv6)) return undefined;
    // previousIpv4 takes the address the VM stopped on; the one before it is kept aside, so
    // that a restart on the same address gets it back (previousIpv4 is never ipv4).
    const previousIpv4 = old.ipv4 ?? old.previousIpv4;
    const beforeStop = old.ipv4 ? old.previousIpv4 : old.previousIpv4BeforeStop;
    return {
      ipv4: null, mac: null, adapterName: null, discoveredAt: null, source: old.source,
      ...(previousIpv4 !== undefined ? { previousIpv4 } : {}),
      ...(beforeStop && beforeStop !== previousIpv4 ? { previousIpv4BeforeStop: beforeStop } : {}),
    };
  }
  if (!isActive(o.power)) return undefined;
  const found = o.network;
  if (!found?.ipv4) return undefined;
  if (old && sameNetwork(old, found)) return undefined;
  const previousIpv4 = addressBefore(old, found.ipv4);
  return {
    ipv4: found.ipv4,
    ...(found.ipv6 && found.ipv6.length > 0 ? { ipv6: [...found.ipv6] } : {}),
    mac: found.mac,
    adapterName: found.adapterName ?? null,
    discoveredAt: found.discoveredAt ?? now,
    source: found.source,
    ...(previousIpv4 !== undefined ? { previousIpv4 } : {}),
  };
}

/** Seed 000's previousIpv4 for a VM now on `ipv4`: the address it had before this one. */
function addressBefore(old: NetworkState | undefined, ipv4: string): string | null | undefined {
  if (!old) return undefined;
  if (old.ipv4) return old.ipv4 !== ipv4 ? old.ipv4 : old.previousIpv4;
  // Back from a stop: on a new address, the one it stopped on; on the same one, the one before.
  return old.previousIpv4 !== ipv4 ? old.previousIpv4 : old.previousIpv4BeforeStop;
}

function sameNetwork(a: NetworkState, b: NetworkState): boolean {
  const sameMac = (a.mac ?? '').toUpperCase() === (b.mac ?? '').toUpperCase();
  return a.ipv4 === b.ipv4 && sameMac && a.source === b.source && (a.adapterName ?? null) === (b.adapterName ?? null) && (a.ipv6 ?? []).join(',') === (b.ipv6 ?? []).join(',');
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
