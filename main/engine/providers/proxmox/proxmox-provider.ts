// The Proxmox VE provider's edges: one API call lists every guest of the cluster, across its
// nodes; then, for the running guests asked about only, their interfaces: a VM's from its QEMU
// guest agent, a container's from Proxmox itself (four at a time). A refused token or a cluster
// that cannot be reached stops the pass with what to do; one guest's silent agent does not.

import pLimit from 'p-limit';
import { HypervisorError } from '../../errors.js';
import type { DiscoveryProvider } from '../../discovery/provider.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { parseAgentInterfaces, parseLxcInterfaces, parseResources, type GuestInterface, type ProxmoxGuest } from './proxmox-api.js';
import { ProxmoxApiError, type ProxmoxClient } from './proxmox-client.js';
import { matchGuest, observeProxmox } from './observe-proxmox.js';

/** What the API's status codes mean for the whole pass (the API viewer; pveproxy's answers). */
function clusterError(err: unknown, url: string): never {
  if (err instanceof ProxmoxApiError) {
    if (err.status === 401) throw new HypervisorError(`${url} refused the API token (401 ${err.message}).`, 'Check the token file: USER@REALM!TOKENID=SECRET, and that the token was not deleted or expired.');
    if (err.status === 403) throw new HypervisorError(`${url} denied the API token (403 ${err.message}).`, 'Give the token (or its user, without privilege separation) VM.Audit and VM.Monitor on /vms.');
    throw new HypervisorError(`${url} answered ${err.status} (${err.message}).`, 'Check the cluster (pvesh get /cluster/status) and try again.');
  }
  throw err;
}

export class ProxmoxProvider implements DiscoveryProvider {
  readonly name = 'proxmox';

  constructor(
    private readonly client: Pick<ProxmoxClient, 'get' | 'close'>,
    private readonly url: string,
  ) {}

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const guests = parseResources(await this.client.get('/cluster/resources?type=vm').catch((err) => clusterError(err, this.url)));
    const asked = [...new Set(refs.map((r) => matchGuest(r, guests)).filter((g): g is ProxmoxGuest => !!g && g.status === 'running'))];
    const limit = pLimit(4);
    const interfaces = new Map<number, GuestInterface[] | { error: string }>(
      await Promise.all(asked.map((g) => limit(async () => [g.vmid, await this.interfacesOf(g)] as const))),
    );
    return observeProxmox(refs, { cluster: this.url, guests, interfaces }, now);
  }

  private async interfacesOf(g: ProxmoxGuest): Promise<GuestInterface[] | { error: string }> {
    // Node names and vmids come from the API; encoded all the same, as any path segment.
    const base = `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}`;
    try {
      return g.type === 'qemu' ? parseAgentInterfaces(await this.client.get(`${base}/agent/network-get-interfaces`)) : parseLxcInterfaces(await this.client.get(`${base}/interfaces`));
    } catch (err) {
      if (err instanceof ProxmoxApiError && err.status !== 401) return { error: err.message };
      return clusterError(err, this.url);
    }
  }

  async dispose(): Promise<void> {
    this.client.close();
  }
}
