// The Linux (manifest) provider's registration: VMs a manifest lists, found by DHCP lease,
// console log, the kernel's neighbour table or DNS. libvirt has a provider of its own.

import path from 'node:path';
import { ARP_TIER, type ProviderEntry } from '../provider-entry.js';

export const LINUX: ProviderEntry = {
  name: 'linux',
  label: 'Linux (manifest)',
  projectOption: { key: 'manifest', words: 'the manifest file', required: true },
  options: { manifest: 'the VMs, MACs and lease files to use' },
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
  async create(options, shared) {
    const [{ LinuxProvider }, { loadManifest }, { execRunner }, { readBootpdLeases }] = await Promise.all([import('./linux-provider.js'), import('./manifest.js'), import('../../discovery/host-neighbors.js'), import('../../discovery/bootpd-leases.js')]);
    return { provider: new LinuxProvider(options.manifest ? await loadManifest(path.resolve(options.manifest)) : null, execRunner, { platform: shared.platform, bootpdLeases: () => readBootpdLeases() }) };
  },
  async hostChecks(context) {
    const { linuxHostChecks } = await import('./linux-host-checks.js');
    return linuxHostChecks(context);
  },
};
