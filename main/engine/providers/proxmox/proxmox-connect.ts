// The API client for a cluster as the provider and its host checks both build it: the token
// from the credential store or the token file, the certificate pins beside the SSH ones, and the
// user told once when a certificate is pinned or accepted as renewed.

import path from 'node:path';
import type { Log } from '../../log/log-file.js';
import { FileHostKeyStore } from '../../ssh/known-hosts.js';
import type { ProviderOptions } from '../provider-entry.js';
import { ProxmoxClient, parseClusterUrl, type ProxmoxEndpoint } from './proxmox-client.js';
import { checkToken, defaultTokenFile, readTokenFile } from './proxmox-token.js';

export interface ConnectEdges {
  /** The SSH pin store: its folder is the tray's. */
  hostKeys: FileHostKeyStore;
  logger?: Log;
  onNotice?: (text: string) => void;
}

/** The cluster's endpoint; throws (HypervisorError) for an address that is not one. */
export function proxmoxEndpoint(options: ProviderOptions): ProxmoxEndpoint {
  if (!options.proxmox) throw new Error('The Proxmox VE provider needs --proxmox https://host:8006.');
  return parseClusterUrl(options.proxmox);
}

/** The token: the one the app keeps, else the token file's (InputError when it is missing or others can read it). */
export async function proxmoxToken(options: ProviderOptions, endpoint: ProxmoxEndpoint, edges: ConnectEdges): Promise<string> {
  if (options.proxmoxTokenValue) return checkToken(options.proxmoxTokenValue);
  return readTokenFile(path.resolve(options.proxmoxToken ?? defaultTokenFile(path.dirname(edges.hostKeys.file), endpoint)));
}

/** `maxSockets`: the connections kept to the cluster (the provider's, for its concurrent reads). */
export function proxmoxClient(endpoint: ProxmoxEndpoint, token: string, edges: ConnectEdges, more: { maxSockets?: number } = {}): ProxmoxClient {
  // TLS pins sit beside the SSH ones, in a file of their own (OpenSSH reads the SSH pins).
  const pins = new FileHostKeyStore(path.join(path.dirname(edges.hostKeys.file), 'tls_pins.json'));
  const pinsFile = pins.file;
  return new ProxmoxClient({
    endpoint,
    token,
    pins,
    ...(more.maxSockets ? { maxSockets: more.maxSockets } : {}),
    onFirstUse: (fp) => {
      edges.logger?.info('tls-first-use', { cluster: endpoint.url, fingerprint: fp });
      edges.onNotice?.(`Proxmox VE ${endpoint.url}: its TLS certificate ${fp} was pinned on first use (in ${pinsFile}). Check on the node (pvenode cert info) that this is its fingerprint.`);
    },
    onRenewed: (fp, why) => {
      edges.logger?.info('tls-renewed', { cluster: endpoint.url, fingerprint: fp, why });
      edges.onNotice?.(`Proxmox VE ${endpoint.url}: its new TLS certificate ${fp} was accepted (${why}) and pinned.`);
    },
  });
}
