// The Proxmox VE provider's edges: one API call lists every guest of the cluster, across its
// nodes; then, for the running guests asked about only, their own MACs (their config) and their
// interfaces: a VM's from its QEMU guest agent, a container's from Proxmox itself (four guests at
// a time). The cluster's release is asked once, to name the privileges it needs. A refused token
// or a cluster that cannot be reached stops the pass with what to do; one guest's silent agent,
// or a node that cannot be reached, does not.

import pLimit from 'p-limit';
import { HypervisorError } from '../../errors.js';
import type { DiscoveryProvider, PowerAction } from '../../discovery/provider.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { parseAgentInterfaces, parseConfigMacs, parseLxcInterfaces, parseRelease, parseResources, type ProxmoxGuest } from './proxmox-api.js';
import { ProxmoxApiError, type ProxmoxClient } from './proxmox-client.js';
import { matchGuest, observeProxmox, type GuestRead } from './observe-proxmox.js';
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

export class ProxmoxProvider implements DiscoveryProvider {
  readonly name = 'proxmox';
  private release: number | null | undefined;

  constructor(
    private readonly client: Pick<ProxmoxClient, 'get' | 'post' | 'close'>,
    private readonly url: string,
  ) {}

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const guests = parseResources(await this.client.get('/cluster/resources?type=vm').catch((err) => clusterError(err, this.url, this.release ?? null)));
    // Once: a release does not change under a running tray often enough to ask each pass.
    this.release ??= await this.client.get('/version').then(parseRelease, () => null);
    const asked = [...new Set(refs.map((r) => matchGuest(r, guests)).filter((g): g is ProxmoxGuest => !!g && g.status === 'running'))];
    const limit = pLimit(4);
    const reads = new Map<number, GuestRead>(await Promise.all(asked.map((g) => limit(async () => [g.vmid, await this.read(g)] as const))));
    return observeProxmox(refs, { cluster: this.url, guests, release: this.release, reads }, now);
  }

  private async read(g: ProxmoxGuest): Promise<GuestRead> {
    // Node names and vmids come from the API; encoded all the same, as any path segment.
    const base = `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}`;
    const config = await this.client.get(`${base}/config`).then(parseConfigMacs, (err) => this.guestError(err, (e) => ({ error: e.message, denied: e.status === 403 })));
    const interfaces = await this.client
      .get(g.type === 'qemu' ? `${base}/agent/network-get-interfaces` : `${base}/interfaces`)
      .then(g.type === 'qemu' ? parseAgentInterfaces : parseLxcInterfaces, (err) => this.guestError(err, (e) => ({ error: e.message, denied: e.status === 403, unreachable: e.status >= 595 && e.status <= 599 })));
    return Array.isArray(config) ? { macs: config, interfaces } : { macs: null, configError: config, interfaces };
  }

  /** One guest's failed read: a refused token stops the pass; anything else (a silent agent, 595 from an unreachable node) is that guest's. */
  private guestError<T>(err: unknown, own: (e: ProxmoxApiError) => T): T {
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
