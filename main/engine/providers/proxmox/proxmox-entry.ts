// Proxmox VE's registration (seed 004's world): a cluster's guests over its HTTPS API, with an
// API token kept in a file only its owner reads and the certificate pinned on first use.

import path from 'node:path';
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
    const [{ ProxmoxProvider, OVERALL }, { ProxmoxClient, parseClusterUrl }, { checkToken, defaultTokenFile, readTokenFile }, { FileHostKeyStore }] = await Promise.all([import('./proxmox-provider.js'), import('./proxmox-client.js'), import('./proxmox-token.js'), import('../../ssh/known-hosts.js')]);
    if (!options.proxmox) throw new Error('The Proxmox VE provider needs --proxmox https://host:8006.');
    const endpoint = parseClusterUrl(options.proxmox);
    const home = path.dirname(shared.hostKeys.file);
    const token = options.proxmoxTokenValue ? checkToken(options.proxmoxTokenValue) : await readTokenFile(path.resolve(options.proxmoxToken ?? defaultTokenFile(home, endpoint)));
    // TLS pins sit beside the SSH ones, in a file of their own (OpenSSH reads the SSH pins).
    const pins = new FileHostKeyStore(path.join(home, 'tls_pins.json'));
    const pinsFile = pins.file;
    const client = new ProxmoxClient({
      endpoint,
      token,
      pins,
      maxSockets: OVERALL,
      onFirstUse: (fp) => {
        shared.logger?.info('tls-first-use', { cluster: endpoint.url, fingerprint: fp });
        shared.onNotice?.(`Proxmox VE ${endpoint.url}: its TLS certificate ${fp} was pinned on first use (in ${pinsFile}). Check on the node (pvenode cert info) that this is its fingerprint.`);
      },
      onRenewed: (fp, why) => {
        shared.logger?.info('tls-renewed', { cluster: endpoint.url, fingerprint: fp, why });
        shared.onNotice?.(`Proxmox VE ${endpoint.url}: its new TLS certificate ${fp} was accepted (${why}) and pinned.`);
      },
    });
    return { provider: new ProxmoxProvider(client, endpoint.url) };
  },
};
