// The Proxmox VE provider's edges: one API call lists every guest of the cluster, across its
// nodes; then, for the running guests asked about that can have changed since they were last read
// (guest-read-cache.ts), their own MACs (their config) and their interfaces: a VM's from its QEMU
// guest agent, a container's from Proxmox itself. A steady pass is that one call. Guests are read
// a few per node at a time (pveproxy handles 3 calls at once) and a dozen overall, each request
// with its own deadline; a node that misses two deadlines in a pass is not asked again in that
// pass, so one hung node or guest holds up neither the others nor the pass. The cluster's release
// is asked once, to name the privileges it needs. A refused token or a cluster that cannot be
// reached stops the pass with what to do; one guest's silent agent, or a node that cannot be
// reached, does not.

import pLimit from 'p-limit';
import { HypervisorError } from '../../errors.js';
import type { DiscoveryProvider, ListedVm, PowerAction, SshAnswer, VmSelection } from '../../discovery/provider.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { parseAgentInterfaces, parseConfigDigest, parseConfigMacs, parseLxcInterfaces, parseRelease, parseResources, type ProxmoxGuest } from './proxmox-api.js';
import { ProxmoxApiError, ProxmoxDeadlineError, type ProxmoxClient } from './proxmox-client.js';
import { matchGuest, observeProxmox, type GuestRead } from './observe-proxmox.js';
import { needsConfig, planRead, remember, seen, sshAnswer, type CachedGuest, type GuestConfig, type ReadPlan } from './guest-read-cache.js';
import { privilegesFor } from './proxmox-privileges.js';
import { powerProxmox } from './proxmox-power.js';

/** What the API's status codes mean for the whole pass (pveproxy's answers, pve-manager PVE/HTTPServer.pm:85-102). */
function clusterError(err: unknown, url: string, release: number | null): never {
  if (err instanceof ProxmoxApiError) {
    if (err.status === 401) throw new HypervisorError(`${url} refused the API token (401 ${err.message}).`, 'Check the token file: USER@REALM!TOKENID=SECRET, and that the token was not deleted or expired.');
    if (err.status === 403) throw new HypervisorError(`${url} denied the API token (403 ${err.message}).`, `Give the token (or its user, without privilege separation) ${privilegesFor(release).all} on /vms.`);
    throw new HypervisorError(`${url} answered ${err.status} (${err.message}).`, 'Check the cluster (pvesh get /cluster/status) and try again.');
  }
  throw err;
}

/** A node's calls at once: pveproxy runs 3 workers, each one API call at a time (pve-manager PVE/Service/pveproxy.pm:32). */
export const PER_NODE = 3;
/** Calls at once over the cluster (and connections kept to it). */
export const OVERALL = 12;
/**
 * The deadline of one guest's call (its config, its agent): the node itself gives up on an agent
 * after a 3 s guest-ping (qemu-server src/PVE/QemuServer/Agent.pm:83) and 5 s for the command
 * (src/PVE/QMPClient.pm:168), so a call still unanswered after 10 s is a node that hangs.
 */
export const GUEST_REQUEST_MS = 10_000;
/** A node that misses this many deadlines in a pass is not asked again in it. */
const NODE_MISSES = 2;

export interface ProxmoxProviderOptions {
  perNode?: number;
  overall?: number;
  guestRequestMs?: number;
  /** How often a steady guest is read again anyway (guest-read-cache.ts REFRESH_MS). */
  refreshMs?: number;
  /** This machine's clock, in ms. */
  clock?: () => number;
}

/** A pass's deadlines missed, by node: past NODE_MISSES the node is skipped for the rest of the pass. */
type Misses = Map<string, number>;

/** A call not made: its node already missed its deadlines this pass. */
class NodeSkipped extends Error {}

/** A guest call that failed: its own error (the guest's row says it), never the pass's. */
interface GuestFailure {
  error: string;
  denied: boolean;
  unreachable?: boolean;
}

export class ProxmoxProvider implements DiscoveryProvider {
  readonly name = 'proxmox';
  private release: number | null | undefined;
  private readonly cache = new Map<number, CachedGuest>();
  private readonly overall: ReturnType<typeof pLimit>;
  private readonly nodes = new Map<string, ReturnType<typeof pLimit>>();

  constructor(
    private readonly client: Pick<ProxmoxClient, 'get' | 'post' | 'close'>,
    private readonly url: string,
    private readonly o: ProxmoxProviderOptions = {},
  ) {
    this.overall = pLimit(o.overall ?? OVERALL);
  }

  private node(name: string) {
    return this.nodes.get(name) ?? this.nodes.set(name, pLimit(this.o.perNode ?? PER_NODE)).get(name)!;
  }

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const guests = parseResources(await this.client.get('/cluster/resources?type=vm').catch((err) => clusterError(err, this.url, this.release ?? null)));
    // Once: a release does not change under a running tray often enough to ask each pass.
    this.release ??= await this.client.get('/version').then(parseRelease, () => null);
    const nowMs = (this.o.clock ?? Date.now)();
    // A guest no longer running (or gone) is read afresh when it runs again.
    const running = new Set(guests.filter((g) => g.status === 'running').map((g) => g.vmid));
    for (const vmid of this.cache.keys()) if (!running.has(vmid)) this.cache.delete(vmid);
    const asked = [...new Set(refs.map((r) => matchGuest(r, guests)).filter((g): g is ProxmoxGuest => !!g && g.status === 'running'))];
    const misses: Misses = new Map();
    const reads = new Map<number, GuestRead>(
      await Promise.all(
        asked.map(async (g) => {
          const entry = this.cache.get(g.vmid);
          const plan = planRead(entry, g, nowMs, this.o.refreshMs);
          if (!plan) {
            this.cache.set(g.vmid, seen(entry!, g, nowMs));
            return [g.vmid, entry!.read] as const;
          }
          return [g.vmid, await this.node(g.node)(() => this.overall(() => this.read(g, entry, plan, nowMs, misses)))] as const;
        }),
      ),
    );
    return observeProxmox(refs, { cluster: this.url, guests, release: this.release, reads }, now);
  }

  /** The cluster's guests, or one pool's or one tag's; a guest on a node offline (no name) cannot be one. */
  async list(selection: VmSelection): Promise<ListedVm[]> {
    const guests = parseResources(await this.client.get('/cluster/resources?type=vm').catch((err) => clusterError(err, this.url, this.release ?? null)));
    return guests
      .filter((g) => g.name !== null && (!selection.pool || g.pool === selection.pool) && (!selection.tag || (g.tags ?? []).includes(selection.tag)))
      .map((g) => ({ name: g.name!, id: String(g.vmid) }));
  }

  /** Whether the addresses this provider gave answered SSH: one that answered and no longer does is read again next pass. */
  sshAnswers(answers: SshAnswer[]): void {
    for (const a of answers) {
      const vmid = /^proxmox:(\d+)$/.exec(a.hypervisorId)?.[1];
      const entry = vmid && this.cache.get(Number(vmid));
      if (entry) this.cache.set(Number(vmid), sshAnswer(entry, a.ipv4, a.open));
    }
  }

  private async read(g: ProxmoxGuest, entry: CachedGuest | undefined, plan: ReadPlan, nowMs: number, misses: Misses): Promise<GuestRead> {
    // Node names and vmids come from the API; encoded all the same, as any path segment.
    const base = `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}`;
    let config: GuestConfig | null = entry?.config ?? null;
    let configError: GuestFailure | undefined;
    let configRead = false;
    const readConfig = async () => {
      configRead = true;
      const answer = await this.call(`${base}/config`, g.node, misses).then((body) => ({ macs: parseConfigMacs(body), digest: parseConfigDigest(body) }), (err) => this.guestError(err, g.node, misses, (e) => ({ error: e.message, denied: e.status === 403 })));
      if ('error' in answer) [config, configError] = [null, answer];
      else config = answer;
    };
    if (plan.config) {
      await readConfig();
      // What /cluster/resources shows of the config changed, but not its file's digest: the read stands.
      if (!plan.interfaces && entry && config && entry.config?.digest && config.digest === entry.config.digest) {
        this.cache.set(g.vmid, remember(g, entry.read, config, true, nowMs, entry));
        return entry.read;
      }
    }
    const interfaces = await this.call(g.type === 'qemu' ? `${base}/agent/network-get-interfaces` : `${base}/interfaces`, g.node, misses).then(g.type === 'qemu' ? parseAgentInterfaces : parseLxcInterfaces, (err) =>
      this.guestError(err, g.node, misses, (e) => ({ error: e.message, denied: e.status === 403, unreachable: e.status >= 595 && e.status <= 599 })),
    );
    const readOf = (): GuestRead => (config ? { macs: config.macs, interfaces } : { macs: null, ...(configError ? { configError } : {}), interfaces });
    if (!configRead && needsConfig(readOf())) await readConfig();
    const read = readOf();
    this.cache.set(g.vmid, remember(g, read, config, configRead, nowMs, entry));
    return read;
  }

  /** One guest call, unless its node already missed its deadlines this pass. */
  private call(path: string, node: string, misses: Misses): Promise<unknown> {
    if ((misses.get(node) ?? 0) >= NODE_MISSES) return Promise.reject(new NodeSkipped(`not asked: node ${node} missed ${NODE_MISSES} deadlines this pass`));
    return this.client.get(path, this.o.guestRequestMs ?? GUEST_REQUEST_MS);
  }

  /**
   * One guest's failed call: a refused token stops the pass; anything else (a silent agent, 595
   * from an unreachable node, no answer within the deadline) is that guest's.
   */
  private guestError<T extends GuestFailure>(err: unknown, node: string, misses: Misses, own: (e: ProxmoxApiError) => T): T | GuestFailure {
    if (err instanceof NodeSkipped) return { error: err.message, denied: false, unreachable: true };
    if (err instanceof ProxmoxDeadlineError) {
      misses.set(node, (misses.get(node) ?? 0) + 1);
      return { error: err.message.split('\n')[0]!.replace(/\.$/, ''), denied: false };
    }
    if (err instanceof ProxmoxApiError && err.status !== 401) return own(err);
    return clusterError(err, this.url, this.release ?? null);
  }

  power(vm: VmObservation, action: PowerAction): Promise<string> {
    return powerProxmox(this.client, this.url, vm, action);
  }

  async dispose(): Promise<void> {
    this.client.close();
  }
}
