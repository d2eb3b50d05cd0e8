// The Linux provider's registration: DHCP leases then the kernel's neighbour table, over a
// manifest and libvirt.

import path from 'node:path';
import { ARP_TIER, type ProviderEntry } from '../provider-entry.js';

export const LINUX: ProviderEntry = {
  name: 'linux',
  label: 'Linux (manifest and libvirt)',
  options: { manifest: 'the VMs, MACs and lease files to use (libvirt is asked as well)' },
  tiers: {
    lease: { label: 'lease', help: "Found in the DHCP server's lease file" },
    console: { label: 'console', help: "Read from cloud-init's network table in the guest's console log" },
    arp: ARP_TIER,
    dns: { label: 'DNS', help: "The name the guest registered with the DHCP server's DNS" },
  },
  facts(detail) {
    if (detail.provider !== 'linux' || !detail.listedBy) return [];
    return [{ label: 'Listed by', value: detail.listedBy, ok: null, why: null }];
  },
  async create(options) {
    const [{ LinuxProvider }, { loadManifest }] = await Promise.all([import('./linux-provider.js'), import('./manifest.js')]);
    return { provider: new LinuxProvider(options.manifest ? await loadManifest(path.resolve(options.manifest)) : null) };
  },
};
