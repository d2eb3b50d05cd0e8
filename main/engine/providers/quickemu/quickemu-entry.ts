// quickemu's registration (seed 002): VMs from a folder of <vm>.conf files; user-mode VMs are
// reached through their SSH port forward, bridged ones by MAC through the console log and ARP.

import path from 'node:path';
import { ARP_TIER, type ProviderEntry } from '../provider-entry.js';

const NETWORK_WORDS = { user: 'user-mode', bridge: 'bridged', none: 'none' } as const;

export const QUICKEMU: ProviderEntry = {
  name: 'quickemu',
  label: 'quickemu',
  projectOption: { key: 'quickemu', words: 'the folder of your <vm>.conf files', required: true },
  options: { quickemu: 'the folder that holds your quickemu <vm>.conf files' },
  tiers: {
    console: { label: 'console', help: "Read from cloud-init's network table in the VM's console log (<vm>.log)" },
    arp: ARP_TIER,
  },
  facts(detail) {
    if (detail.provider !== 'quickemu' || !detail.network) return [];
    const value = detail.network === 'bridge' ? `bridged (${detail.bridge})` : detail.network === 'user' ? `user-mode${detail.sshPort ? `, SSH forward ${detail.sshPort}` : ''}` : NETWORK_WORDS.none;
    return [{ label: 'Network', value, ok: detail.network === 'none' ? false : null, why: detail.network === 'none' ? 'network="none" in its .conf' : null }];
  },
  async create(options) {
    const { QuickemuProvider } = await import('./quickemu-provider.js');
    if (!options.quickemu) throw new Error("The quickemu provider needs --quickemu <folder>: the folder that holds your <vm>.conf files.");
    return { provider: new QuickemuProvider(path.resolve(options.quickemu)) };
  },
};
