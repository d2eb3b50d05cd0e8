// libvirt's registration: domains over virsh on a URI (this host's qemu:///system by default),
// addresses from libvirt's DHCP leases, the guest agent, then this host's neighbour table.

import { agentFact, ARP_TIER, type ProviderEntry } from '../provider-entry.js';

export const DEFAULT_LIBVIRT_URI = 'qemu:///system';

export const LIBVIRT: ProviderEntry = {
  name: 'libvirt',
  label: 'libvirt',
  projectOption: { key: 'libvirt', words: 'a libvirt URI', required: false },
  options: { libvirt: 'the libvirt URI: qemu:///system (the default), qemu:///session, qemu+ssh://host/system' },
  tiers: {
    lease: { label: 'lease', help: "Found in libvirt's DHCP leases for the VM's network" },
    agent: { label: 'agent', help: 'Reported by the QEMU guest agent inside the VM' },
    arp: ARP_TIER,
  },
  facts(detail) {
    if (detail.provider !== 'libvirt' || !detail.network) return [];
    // The agent is asked only when no lease knew the address.
    return [{ label: 'Network', value: detail.network, ok: null, why: null }, agentFact('Agent', detail.agent, 'not needed')];
  },
  async create(options, shared) {
    const [{ LibvirtProvider }, { execRunner }] = await Promise.all([import('./libvirt-provider.js'), import('../../discovery/host-neighbors.js')]);
    return { provider: new LibvirtProvider(options.libvirt ?? DEFAULT_LIBVIRT_URI, execRunner, Date.now, { platform: shared.platform }) };
  },
  async hostChecks(context) {
    const { libvirtHostChecks } = await import('./libvirt-host-checks.js');
    return libvirtHostChecks(context);
  },
};
