// quickemu's registration (seed 002): VMs from a folder of <vm>.conf files; user-mode VMs are
// reached through their SSH port forward, bridged ones by MAC through the guest agent and ARP.

import path from 'node:path';
import { agentFact, ARP_TIER, type ProviderEntry } from '../provider-entry.js';

const NETWORK_WORDS = { user: 'user-mode', bridge: 'bridged', none: 'none' } as const;

export const QUICKEMU: ProviderEntry = {
  name: 'quickemu',
  label: 'quickemu',
  projectOption: { key: 'quickemu', words: 'the folder of your <vm>.conf files', required: true },
  options: { quickemu: 'the folder that holds your quickemu <vm>.conf files' },
  tiers: {
    lease: { label: 'lease', help: "Leased by macOS's DHCP server (bootpd, /var/db/dhcpd_leases) to the MAC of the VM's vmnet NIC" },
    agent: { label: 'agent', help: 'Reported by the QEMU guest agent inside the VM, over <vm>-agent.sock, for the VM\'s MAC' },
    arp: ARP_TIER,
  },
  facts(detail) {
    if (detail.provider !== 'quickemu' || !detail.network) return [];
    const value = detail.network === 'bridge' ? `bridged (${detail.bridge})` : detail.network === 'vmnet' ? `${detail.vmnet} (macOS vmnet)` : detail.network === 'user' ? `user-mode${detail.sshPort ? `, SSH forward ${detail.sshPort}` : ''}` : NETWORK_WORDS.none;
    const network = { label: 'Network', value, ok: detail.network === 'none' ? false : null, why: detail.network === 'none' ? 'network="none" in its .conf' : null };
    if (!detail.agent) return [network];
    // A user-mode guest's own address (10.0.2.15) is behind QEMU's NAT: shown, never used.
    const guest = detail.guestIpv4 ? [{ label: 'Guest address', value: detail.guestIpv4, ok: null, why: "inside QEMU's user-mode network: this host and other VMs reach it only through the forward" }] : [];
    return [network, agentFact('Agent', detail.agent, 'no socket'), ...guest];
  },
  async create(options, shared) {
    const [{ QuickemuProvider }, { execRunner }, { systemLookup }, { askGuestAgent }, { readBootpdLeases }] = await Promise.all([import('./quickemu-provider.js'), import('../../discovery/host-neighbors.js'), import('./quickemu-process.js'), import('./guest-agent-socket.js'), import('../../discovery/bootpd-leases.js')]);
    if (!options.quickemu) throw new Error("The quickemu provider needs --quickemu <folder>: the folder that holds your <vm>.conf files.");
    return { provider: new QuickemuProvider(path.resolve(options.quickemu), execRunner, systemLookup, askGuestAgent, { platform: shared.platform, bootpdLeases: () => readBootpdLeases() }) };
  },
  async hostChecks(context) {
    const { quickemuHostChecks } = await import('./quickemu-host-checks.js');
    return quickemuHostChecks(context);
  },
};
