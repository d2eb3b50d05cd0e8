// Every provider the tray knows, and the lookups the rest of the app uses instead of naming
// providers. Adding a provider: a folder under providers/ with its entry, one line here, and its
// detail type in provider-detail.ts.

import { existsSync } from 'node:fs';
import { errorMessage, HypervisorError } from '../errors.js';
import { findTool, HOMEBREW_BINS } from '../discovery/tool-path.js';
import { HYPERV } from './hyperv/hyperv-entry.js';
import { LIBVIRT } from './libvirt/libvirt-entry.js';
import { LINUX } from './linux/linux-entry.js';
import { PROXMOX } from './proxmox/proxmox-entry.js';
import { QUICKEMU } from './quickemu/quickemu-entry.js';
import { CACHE_TIER, type ProviderEntry, type TierInfo } from './provider-entry.js';

export const PROVIDERS: readonly ProviderEntry[] = [HYPERV, LIBVIRT, LINUX, PROXMOX, QUICKEMU];

export const PROVIDER_NAMES: readonly string[] = PROVIDERS.map((p) => p.name);

export function providerEntry(name: string): ProviderEntry {
  const entry = PROVIDERS.find((p) => p.name === name);
  if (!entry) throw new Error(`unknown provider '${name}': use ${PROVIDER_NAMES.join(' or ')}`);
  return entry;
}

/** A tier's label and help; tiers shared by several providers (ARP) read the same everywhere. */
export function tierInfo(tier: string): TierInfo {
  for (const p of PROVIDERS) if (p.tiers[tier]) return p.tiers[tier]!;
  if (tier === 'cache') return CACHE_TIER;
  return { label: tier, help: '' };
}

/**
 * The provider for this host when none is named: the one whose option was given, else Hyper-V on
 * Windows, else libvirt; on a Mac, libvirt only where it is installed (few Macs have it: their
 * VMs are quickemu's, UTM's or a manifest's), else a message saying what to choose.
 */
export function defaultProvider(
  options: { simulate?: string; manifest?: string; quickemu?: string; libvirt?: string; proxmox?: string },
  platform: NodeJS.Platform = process.platform,
  hasVirsh: () => boolean = () => findTool('virsh', process.env, platform, existsSync) !== null,
): string {
  if (options.simulate) return HYPERV.name;
  if (options.quickemu) return QUICKEMU.name;
  if (options.libvirt) return LIBVIRT.name;
  if (options.proxmox) return PROXMOX.name;
  if (options.manifest) return LINUX.name;
  if (platform === 'win32') return HYPERV.name;
  if (platform === 'darwin' && !hasVirsh()) {
    throw new HypervisorError(
      `No provider is chosen and libvirt is not installed on this Mac (no virsh on PATH, in ${HOMEBREW_BINS.join(' or ')}).`,
      "Choose the project's provider in Settings (quickemu: the folder of your <vm>.conf files; or a manifest), or pass --quickemu <folder> or --manifest <file>; for libvirt, brew install libvirt.",
    );
  }
  return LIBVIRT.name;
}

/** Checks a --provider value; the message is the CLI's usage error. */
export function checkProviderName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  try {
    return providerEntry(String(value)).name;
  } catch (err) {
    throw new Error(`--provider: ${errorMessage(err)}`);
  }
}
