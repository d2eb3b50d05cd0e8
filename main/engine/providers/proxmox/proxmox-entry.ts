// Proxmox VE's registration (seed 004's world): a cluster's guests over its HTTPS API, with an
// API token kept in a file only its owner reads and the certificate pinned on first use.

import { agentFact, type ProviderEntry } from '../provider-entry.js';

export const PROXMOX: ProviderEntry = {
  name: 'proxmox',
  label: 'Proxmox VE',
  projectOption: { key: 'proxmox', words: "the cluster's address, https://host:8006", required: true },
  options: {
    proxmox: 'the cluster, https://host:8006',
    proxmoxToken: 'the file holding its API token (by default <tray folder>/proxmox/<host>_<port>.token, mode 600)',
    proxmoxTokenValue: "the API token the app keeps in the OS's credential store",
  },
  tiers: {
    agent: { label: 'agent', help: 'Reported by the QEMU guest agent inside the VM, through the Proxmox VE API' },
    container: { label: 'container', help: "The container's interfaces, as Proxmox VE reports them" },
  },
  facts(detail) {
    if (detail.provider !== 'proxmox' || !detail.where) return [];
    return [{ label: 'Node/ID', value: detail.where, ok: null, why: null }, agentFact(detail.kind === 'qemu' ? 'Agent' : 'Interfaces', detail.agent, '—')];
  },
  async create(options, shared) {
    const [{ ProxmoxProvider, OVERALL }, { proxmoxClient, proxmoxEndpoint, proxmoxToken }] = await Promise.all([import('./proxmox-provider.js'), import('./proxmox-connect.js')]);
    const endpoint = proxmoxEndpoint(options);
    const client = proxmoxClient(endpoint, await proxmoxToken(options, endpoint, shared), shared, { maxSockets: OVERALL });
    return { provider: new ProxmoxProvider(client, endpoint.url) };
  },
  async hostChecks(context) {
    const { proxmoxHostChecks } = await import('./proxmox-host-checks.js');
    return proxmoxHostChecks(context);
  },
};
