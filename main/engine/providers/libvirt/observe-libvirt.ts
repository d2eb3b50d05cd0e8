// libvirt domains as one pass's observations, a pure function of what virsh said: each ref is
// matched by its state.json id (the domain UUID), else by name; the state maps onto Power; the
// address comes from libvirt's DHCP lease, else the guest agent, else (on this host only) the
// kernel's neighbour table, all by the MAC of the domain's first interface that is not user-mode.
// A user-mode interface's address (SLIRP's 10.0.2.15, passt's copy of the host's own) is the
// guest's private view: never reported, so never written into a peer's hosts block.

import { pickNeighbor, type NeighborEntry } from '../../discovery/pick-neighbor.js';
import { ownNicAddress } from '../../discovery/guest-interfaces.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import type { NetworkState } from '../../seed-types.js';
import { warning } from '../../warning.js';
import type { DomainInterface } from './domain-xml.js';
import type { LibvirtDetail } from './libvirt-detail.js';
import { isLocalUri, uriHost } from './libvirt-uri.js';
import { libvirtPower, type Domain } from './virsh-output.js';

export interface DomainFacts {
  state: string;
  interfaces: DomainInterface[];
  leases: Array<{ mac: string; ipv4: string[] }>;
  /** What the guest agent reported, or why it did not; absent when it was not asked. */
  agent?: { interfaces: Array<{ mac: string; ipv4: string[] }> } | { error: string };
}

export interface LibvirtFacts {
  uri: string;
  domains: Domain[];
  /** By UUID, for the domains the refs matched. */
  details: ReadonlyMap<string, DomainFacts>;
  /** The host's neighbour table; null when libvirt runs on another host (a remote URI). */
  neighbors: NeighborEntry[] | null;
}

/** The domain a ref names: its UUID first (names can be reused), then its VM name, then its machine name. */
export function matchDomain(ref: VmRef, domains: Domain[]): Domain | undefined {
  return (ref.vmId && domains.find((d) => d.uuid === ref.vmId!.toLowerCase())) || domains.find((d) => d.name === ref.vmName) || domains.find((d) => d.name === ref.machineName);
}

/** The interface the VM's address is looked for on: its first one that is not user-mode. */
export const primaryInterface = (interfaces: DomainInterface[]): DomainInterface | undefined => interfaces.find((i) => i.type !== 'user');

const usable = (entries: Array<{ mac: string; ipv4: string[] }>, mac: string) => ownNicAddress(entries, [mac]).ipv4;

export function observeLibvirt(refs: VmRef[], facts: LibvirtFacts, now: string): VmObservation[] {
  const lookedIn = `libvirt at ${facts.uri}`;
  return refs.map((ref): VmObservation => {
    const domain = matchDomain(ref, facts.domains);
    const detail: LibvirtDetail = { provider: 'libvirt', uri: facts.uri, network: null, agent: { state: 'not asked', why: null } };
    const d = domain && facts.details.get(domain.uuid);
    if (!domain || !d) {
      const w = ref.vmId
        ? warning('vm-missing', `VM '${ref.vmName}' is recorded in state.json but libvirt at ${facts.uri} has no such domain: check the URI, or run 'ragnatramp up' to recreate it.`)
        : warning('not-created', `Machine '${ref.machineName}' has no libvirt domain at ${facts.uri} yet (looked for '${ref.vmName}' and '${ref.machineName}'): create a domain with one of those names (virt-install --name, or virsh define), or point the tray at the libvirt URI that has it.`);
      return { ref, found: false, hypervisorId: null, power: 'missing', vmState: 'missing', network: null, tier: null, warnings: [w], lookedIn, detail };
    }
    const first = primaryInterface(d.interfaces);
    const userMode = first ? undefined : d.interfaces[0];
    const agent: LibvirtDetail['agent'] = !d.agent ? detail.agent : 'error' in d.agent ? { state: 'no answer', why: d.agent.error } : { state: 'answered', why: null };
    const base = { ref, found: true, hypervisorId: domain.uuid, power: libvirtPower(d.state), vmState: d.state, network: null, tier: null, warnings: [], lookedIn, detail: { ...detail, network: (first ?? userMode)?.source ?? null, agent } } satisfies VmObservation;
    if (base.power !== 'running') return base;
    if (userMode) {
      // As quickemu's user-mode VMs (observe-quickemu.ts): reached through a forward to port 22
      // where passt has one, never at an address of its own, and no hosts block either way.
      const on = `'${domain.name}' is on libvirt's user-mode network (<interface type='user'>, ${userMode.backend})`;
      const instead = `attach it to a libvirt network or a bridge (virsh edit ${domain.name}) to put it beside the others`;
      if (userMode.sshForward) {
        const host = userMode.sshForward.address ?? (isLocalUri(facts.uri) ? '127.0.0.1' : uriHost(facts.uri));
        return { ...base, forward: { host, port: userMode.sshForward.port, isolated: `${on}, where VMs cannot reach each other, so it gets no hosts block; ${instead}` } };
      }
      const why = `${on}, where the guest's address is its own private view (SLIRP gives every guest 10.0.2.15, passt a copy of this host's address) and no port forward reaches its SSH: its peers cannot reach it there, so it gets no hosts block and is never written into theirs. To change that, ${instead}.`;
      return { ...base, warnings: [warning('libvirt/user-mode', why, 'user-mode network')] };
    }
    if (!first) return { ...base, warnings: [warning('libvirt/no-interface', `Domain '${domain.name}' has no network interface: add one (virsh edit) so that it can have an address.`, 'no network interface')] };
    const network: NetworkState = { ipv4: null, mac: first.mac, adapterName: first.source, discoveredAt: now, source: 'lease' };
    const leased = usable(d.leases, first.mac);
    if (leased) return { ...base, network: { ...network, ipv4: leased }, tier: 'lease' };
    const reported = d.agent && 'interfaces' in d.agent ? usable(d.agent.interfaces, first.mac) : null;
    if (reported) return { ...base, network: { ...network, ipv4: reported, source: 'guest-cmd' }, tier: 'agent' };
    const pick = facts.neighbors ? pickNeighbor(first.mac, facts.neighbors) : { ip: null, others: [] };
    if (pick.ip) {
      const found: VmObservation = { ...base, network: { ...network, ipv4: pick.ip, source: 'arp' }, tier: 'arp' };
      return pick.others.length === 0 ? found : { ...found, addressChoice: { candidates: [pick.ip, ...pick.others], by: 'freshest', table: "the kernel's neighbour table" } };
    }
    const tried = [`no DHCP lease in libvirt for MAC ${first.mac}`, agent.state === 'no answer' ? `the guest agent did not answer (${agent.why}): install qemu-guest-agent in the guest and give the domain its channel` : null, facts.neighbors ? 'no neighbour entry on this host' : `the neighbour table of ${facts.uri}'s host cannot be read from here`].filter(Boolean);
    return { ...base, network, warnings: [warning('no-ipv4', `VM is running but has no IPv4 yet: ${tried.join('; ')}.`)] };
  });
}
