// Looking without touching: observe every VM (with the DHCP wait), settle which of several ARP
// addresses is the guest's, probe SSH ports, and plan. Every effect goes through the injected
// provider and probe; time through `now` and `sleep`. Writes nothing.

import pLimit from 'p-limit';
import type { Project } from './config/load-project.js';
import { withListedVms } from './config/watched-project.js';
import { HypervisorError } from './errors.js';
import { isActive, type VmObservation, type VmRef } from './discovery/observation.js';
import type { DiscoveryProvider } from './discovery/provider.js';
import { probeOncePerPass, type PortProbe } from './discovery/port-probe.js';
import { plan, type Plan, type ProjectFacts } from './plan/plan.js';
import type { HostsMemory } from './ssh/sync-hosts.js';
import type { SshConnector } from './ssh/ssh-session.js';
import { fingerprintOf, type HostKeyStore } from './ssh/known-hosts.js';
import type { OfferedHostKey } from './ssh/offered-host-key.js';
import { hostKeyAlias } from './ssh/ssh-session.js';

export interface EngineDeps {
  provider: DiscoveryProvider;
  probe: PortProbe;
  connector: SshConnector;
  /** The pinned host keys: to accept changed ones (`acceptHostKeys`) and to confirm a cached address. */
  hostKeys?: HostKeyStore;
  /** Which guest answers at an address (its SSH host key); without it the cached tier is off. */
  offeredHostKey?: OfferedHostKey;
  /** A long-running engine's memory of guests' /etc/hosts: one exec per changed guest. */
  hostsMemory?: HostsMemory;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export interface WaitOptions {
  /** How long to keep polling running VMs that have no IPv4 yet (0: one pass only). */
  waitMs: number;
  pollMs: number;
  onPass?: (pass: number, pending: string[]) => void;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Seed 001's R3: a VM `up` just started (Hyper-V's Starting) is waited for like a running one.
// A running VM with no adapter to look on (no MAC) has nothing to wait for.
const needsWait = (o: VmObservation) => o.found && (o.power === 'starting' || (o.power === 'running' && !!o.network?.mac && !o.network.ipv4));

/**
 * One discovery pass over all VMs, then more passes (each a single provider call) for running or
 * starting VMs without an IPv4, every pollMs until waitMs has passed. Off, Saved and Paused VMs
 * are not waited for.
 */
export async function observeWithWait(deps: EngineDeps, refs: VmRef[], wait: WaitOptions): Promise<VmObservation[]> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const start = now().getTime();
  // Keyed by the ref objects themselves: two projects may share a name.
  const results = new Map<VmRef, VmObservation>();
  let pass = 0;
  let pending = refs;
  for (;;) {
    wait.onPass?.(pass, pending.map((r) => r.machineName));
    for (const o of await deps.provider.observe(pending, now().toISOString())) results.set(o.ref, o);
    pass++;
    pending = refs.filter((r) => needsWait(results.get(r)!));
    const left = start + wait.waitMs - now().getTime();
    if (pending.length === 0 || left <= 0) break;
    await sleep(Math.min(wait.pollMs, left));
  }
  return refs.map((r) => results.get(r)!);
}

/**
 * Connections a pass opens at once, in each of its steps that reach guests (ARP's candidates, the
 * cached tier's host keys, the SSH probes): a cluster restarting leaves hundreds of guests without
 * an address at once, and each would otherwise be asked at the same moment.
 */
const SSH_AT_ONCE = 32;

/**
 * A guest renumbered by DHCP leaves its old neighbour entry behind, as fresh as the new one:
 * when the ARP tier found several IPv4s for one MAC, the one that answers on port 22 is the
 * guest's. If none or several answer, the tier's own choice (and its warning) stands.
 */
async function disambiguateArp(deps: EngineDeps, observations: VmObservation[]): Promise<VmObservation[]> {
  const limit = pLimit(SSH_AT_ONCE);
  return Promise.all(
    observations.map(async (o) => {
      const choice = o.addressChoice;
      if (!choice || !o.network) return o;
      const answering = (await Promise.all(choice.candidates.map((ip) => limit(async () => ((await deps.probe(ip, 22)) ? [ip] : []))))).flat();
      if (answering.length !== 1) return o;
      const chosen = answering[0]!;
      return { ...o, network: { ...o.network, ipv4: chosen }, addressChoice: { ...choice, candidates: [chosen, ...choice.candidates.filter((ip) => ip !== chosen)], by: 'port-22' } };
    }),
  );
}

/**
 * Seed 003's cached tier, for any provider: a running VM no tier found an address for is given
 * state.json's last one, but only when the guest answering there is that VM (it offers the SSH
 * host key pinned for it) and no VM reports that address this pass: a VM that reports an address
 * always wins over one that only remembers it, so the cache never invents a duplicate.
 */
async function confirmCached(deps: EngineDeps, observations: VmObservation[]): Promise<VmObservation[]> {
  const { hostKeys, offeredHostKey } = deps;
  if (!hostKeys || !offeredHostKey) return observations;
  const reported = new Set(observations.flatMap((o) => (o.found && isActive(o.power) && o.network?.ipv4 ? [o.network.ipv4] : [])));
  const limit = pLimit(SSH_AT_ONCE);
  return Promise.all(
    observations.map(async (o) => {
      const last = o.ref.lastKnown;
      if (!last || !o.found || o.power !== 'running' || o.network?.ipv4 || o.forward || reported.has(last.ipv4)) return o;
      const pinned = (await hostKeys.pinned(hostKeyAlias(o.ref.project, o.ref.machineName, o.hypervisorId)))?.fingerprint;
      if (!pinned) return o;
      const offered = await limit(() => offeredHostKey(last.ipv4, 22));
      if (!offered || fingerprintOf(offered) !== pinned) return o;
      return { ...o, cached: { ipv4: last.ipv4 }, warnings: o.warnings.filter((w) => w.code !== 'no-ipv4') };
    }),
  );
}

async function probeSsh(deps: EngineDeps, observations: VmObservation[]): Promise<Map<VmRef, boolean | null>> {
  const limit = pLimit(SSH_AT_ONCE);
  const entries = await Promise.all(
    observations.map((o) =>
      limit(async (): Promise<[VmRef, boolean | null]> => {
        if (!o.found || !isActive(o.power)) return [o.ref, null];
        if (o.forward) return [o.ref, await deps.probe(o.forward.host, o.forward.port)];
        const ip = o.network?.ipv4 ?? o.cached?.ipv4;
        return [o.ref, ip ? await deps.probe(ip, 22) : null];
      }),
    ),
  );
  return new Map(entries);
}

export interface Inspection {
  plan: Plan;
  facts: ProjectFacts[];
  /** The projects as inspected: a provider-defined one with the VMs its hypervisor lists now. */
  projects: Project[];
}

/** A provider-defined project's VMs, listed by its provider now; a Ragnatramp project as it is. */
async function listed(deps: EngineDeps, project: Project): Promise<Project> {
  if (project.source?.kind !== 'watched') return project;
  if (!deps.provider.list) throw new HypervisorError(`The ${deps.provider.name} provider cannot list its VMs, so ${project.configPath} cannot be a project of its own.`, 'Use a quickemu folder, a libvirt URI or a Proxmox VE cluster.');
  return withListedVms(project, await deps.provider.list(project.source.selection));
}

/** Discovery, SSH probes and the plan for several projects; writes nothing. */
export async function inspectProjects(given: EngineDeps, asked: Project[], wait: WaitOptions, syncHosts = true): Promise<Inspection> {
  // One SSH probe per address in a pass, however many steps ask about it.
  const deps = { ...given, probe: probeOncePerPass(given.probe) };
  const projects = await Promise.all(asked.map((p) => listed(deps, p)));
  const refs = projects.flatMap((p) => p.vms);
  const observations = await confirmCached(deps, await disambiguateArp(deps, await observeWithWait(deps, refs, wait)));
  const open = await probeSsh(deps, observations);
  // The provider hears what answered at the addresses it gave (planning stays pure; this is the shell).
  given.provider.sshAnswers?.(observations.flatMap((o) => (o.hypervisorId && o.network?.ipv4 && !o.forward && typeof open.get(o.ref) === 'boolean' ? [{ hypervisorId: o.hypervisorId, ipv4: o.network.ipv4, open: open.get(o.ref)! }] : [])));
  const facts: ProjectFacts[] = projects.map((p) => {
    const mine = observations.filter((o) => p.vms.includes(o.ref));
    return {
      name: p.name,
      configPath: p.configPath,
      machines: p.machines,
      state: p.state,
      observations: mine,
      sshOpen: Object.fromEntries(mine.map((o) => [o.ref.machineName, open.get(o.ref) ?? null])),
      ...(p.names ? { names: p.names } : {}),
      ...(p.source?.kind === 'watched' ? { kind: 'watched' as const } : {}),
    };
  });
  return { plan: plan({ projects: facts, now: (deps.now ?? (() => new Date()))().toISOString(), syncHosts }), facts, projects };
}

/** The plan of one project of an inspection. */
export function projectPlanOf(inspection: Inspection, configPath: string) {
  return inspection.plan.projects.find((pp) => pp.configPath === configPath)!;
}
