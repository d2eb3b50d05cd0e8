// The start-up options that choose and feed a provider (--simulate, --provider, --manifest,
// --quickemu, --libvirt, --proxmox, --proxmox-token), as
// the CLI, Electron's main process and the browser host all parse them: one definition for
// node:util's parseArgs and one check.

import path from 'node:path';
import { expandHome } from '../config/user-path.js';
import { checkLibvirtUri } from './libvirt/libvirt-uri.js';
import { parseClusterUrl } from './proxmox/proxmox-client.js';
import type { ProviderOptions } from './provider-entry.js';
import { checkProviderName, providerEntry } from './registry.js';

export const PROVIDER_ARGS = {
  simulate: { type: 'string' },
  provider: { type: 'string' },
  manifest: { type: 'string' },
  quickemu: { type: 'string' },
  libvirt: { type: 'string' },
  proxmox: { type: 'string' },
  'proxmox-token': { type: 'string' },
} as const;

/** Checked and with absolute paths; throws an Error whose message is a usage error. */
export function providerArgs(values: { simulate?: unknown; provider?: unknown; manifest?: unknown; quickemu?: unknown; libvirt?: unknown; proxmox?: unknown; 'proxmox-token'?: unknown }): ProviderOptions & { provider?: string } {
  const file = (flag: string, v: unknown, what = 'a file name') => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new Error(`--${flag} needs ${what}`);
    // A settings field or a quoted flag: no shell expanded its `~`.
    return path.resolve(expandHome(v));
  };
  const provider = checkProviderName(values.provider);
  const simulate = file('simulate', values.simulate);
  const manifest = file('manifest', values.manifest);
  const quickemu = file('quickemu', values.quickemu, 'a folder');
  const libvirt = values.libvirt === undefined ? undefined : checkLibvirtUri(values.libvirt);
  const proxmox = values.proxmox === undefined ? undefined : clusterUrl(values.proxmox);
  const proxmoxToken = file('proxmox-token', values['proxmox-token']);
  return { ...(simulate ? { simulate } : {}), ...(provider ? { provider } : {}), ...(manifest ? { manifest } : {}), ...(quickemu ? { quickemu } : {}), ...(libvirt ? { libvirt } : {}), ...(proxmox ? { proxmox } : {}), ...(proxmoxToken ? { proxmoxToken } : {}) };
}

function clusterUrl(v: unknown): string {
  if (typeof v !== 'string' || !/^https:\/\/[^\s/]+\/?$/.test(v)) throw new Error(`--proxmox needs the cluster's address, https://host:8006 (got ${JSON.stringify(v)})`);
  return v;
}

/**
 * A checked cluster address in one spelling (`https://host:port`, host lowercased, port given):
 * projects naming one cluster however they write it share its answers. Read as the client reads
 * it, so an address it refuses (a user in it) is refused here too, not silently trimmed.
 */
export function canonicalClusterUrl(url: string): string {
  const { host, port } = parseClusterUrl(url);
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Whether options name a provider (a token file alone does not: it feeds the provider chosen elsewhere). */
export function namesProvider(o: ProviderOptions & { provider?: string }): boolean {
  return !!(o.simulate ?? o.provider ?? o.manifest ?? o.quickemu ?? o.libvirt ?? o.proxmox);
}

/**
 * A project's provider choice (the tray's settings) as the options of an environment; null for
 * 'auto' (the app's own). Throws an Error whose message suits the settings field.
 */
export function projectProviderOptions(choice: { provider: string; option?: string } | undefined): (ProviderOptions & { provider: string }) | null {
  if (!choice || choice.provider === 'auto') return null;
  const entry = providerEntry(choice.provider);
  const wanted = entry.projectOption;
  if (!wanted) {
    if (choice.option) throw new Error(`${entry.label} takes no option`);
    return { provider: entry.name };
  }
  if (!choice.option) {
    if (wanted.required) throw new Error(`${entry.label} needs ${wanted.words}`);
    return { provider: entry.name };
  }
  const checked = providerArgs({ [wanted.key]: choice.option });
  return { ...checked, provider: entry.name };
}
