// Proxmox VE guests as one pass's observations, a pure function of the API's answers, in the
// style of seed 004's planner: each ref is matched by its state.json id (the vmid), else by
// name; the status maps onto Power; a running guest's address is the first usable IPv4 on the
// interface whose MAC is one of the guest's own NICs (its config's netN), so that a bridge the
// guest made itself (docker0's 172.17.0.1) is never taken for its address. Nothing is guessed: a
// guest whose interfaces could not be read has no address and says why.

import { ownNicAddress } from '../../discovery/guest-interfaces.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { warning } from '../../warning.js';
import { proxmoxPower, type GuestInterface, type ProxmoxGuest } from './proxmox-api.js';
import type { ProxmoxDetail } from './proxmox-detail.js';
import { privilegesFor } from './proxmox-privileges.js';

/** What was read of one running guest: its interfaces and its own MACs, or why not. */
export interface GuestRead {
  /** `unreachable`: the node answering could not reach the guest's node (AnyEvent::HTTP's 595-599, passed on by pveproxy's proxy, pve-http-server src/PVE/APIServer/AnyEvent.pm:831-876). */
  interfaces: GuestInterface[] | { error: string; denied: boolean; unreachable?: boolean };
  /** The MACs of its netN entries; null when its config could not be read. */
  macs: string[] | null;
  /** Why its config could not be read (the API's answer), where it could not. */
  configError?: { error: string; denied: boolean };
}

export interface ProxmoxFacts {
  cluster: string;
  guests: ProxmoxGuest[];
  /** The cluster's release (/version), for the privileges a message names; null if unknown. */
  release: number | null;
  /** By vmid, for the running guests asked about. */
  reads: ReadonlyMap<number, GuestRead>;
}

export function matchGuest(ref: VmRef, guests: ProxmoxGuest[]): ProxmoxGuest | undefined {
  const id = ref.vmId?.replace(/^(qemu|lxc)\//, '');
  return (id && /^\d+$/.test(id) && guests.find((g) => g.vmid === Number(id))) || guests.find((g) => g.name !== null && g.name === ref.vmName) || guests.find((g) => g.name !== null && g.name === ref.machineName);
}

/** A guest listed with no name is on a node offline over 5 minutes (see parseResources). */
const offline = (g: ProxmoxGuest) => g.name === null && g.status === 'unknown';

export function observeProxmox(refs: VmRef[], facts: ProxmoxFacts, now: string): VmObservation[] {
  const lookedIn = `the Proxmox VE cluster at ${facts.cluster}`;
  const privileges = privilegesFor(facts.release);
  // /cluster/resources answers 200 with the guests the token may not audit silently left out
  // (pve-manager PVE/API2/Cluster.pm:267 allows every user, :588 skips without VM.Audit): when
  // none of the project's guests is there, the token is the first thing to check.
  const noneSeen = refs.every((r) => !matchGuest(r, facts.guests));
  const audit = noneSeen ? ` None of this project's guests is visible to the API token: it may lack VM.Audit on /vms (a token with privilege separation, the default, has only the privileges given to the token itself).` : '';
  const nameless = facts.guests.filter(offline).length;
  const unnamed = nameless > 0 ? ` ${nameless} guest(s) on offline nodes have no name until their node is back; record the vmid in state.json to match them by it.` : '';
  return refs.map((ref): VmObservation => {
    const g = matchGuest(ref, facts.guests);
    if (!g) {
      const w = ref.vmId
        ? warning('vm-missing', `Guest '${ref.vmName}' (id ${ref.vmId}) is recorded in state.json but ${lookedIn} has no such guest.${audit || ' (The API token may also lack VM.Audit on it.)'}`)
        : warning('not-created', `Machine '${ref.machineName}' has no guest named '${ref.vmName}' or '${ref.machineName}' in ${lookedIn}: create one with either name, or give the project the cluster that has it.${audit}${unnamed}`);
      return { ref, found: false, hypervisorId: null, power: 'missing', vmState: 'missing', network: null, tier: null, warnings: [w], lookedIn, detail: { provider: 'proxmox', where: null, kind: null, agent: { state: 'not asked', why: null } } };
    }
    const read = facts.reads.get(g.vmid);
    const iface = read?.interfaces;
    const agent: ProxmoxDetail['agent'] = !iface ? { state: 'not asked', why: null } : 'error' in iface ? { state: 'no answer', why: iface.error } : { state: 'answered', why: null };
    const detail: ProxmoxDetail = { provider: 'proxmox', where: `${g.node}/${g.vmid}`, kind: g.type, agent };
    const base: VmObservation = { ref, found: true, hypervisorId: `proxmox:${g.vmid}`, power: proxmoxPower(g.status), vmState: g.status, network: null, tier: null, warnings: [], lookedIn, detail };
    if (offline(g)) {
      return { ...base, vmState: 'unknown (node offline)', warnings: [warning('vm-unreadable', `Guest ${g.vmid} is on node ${g.node}, which has been offline for over 5 minutes: its state is unknown until the node is back. Bring ${g.node} back, or see why it left the cluster (pvecm status on another node).`, 'node offline')] };
    }
    if (base.power !== 'running') return base;
    const tier = g.type === 'qemu' ? 'agent' : 'container';
    const own = read?.macs ?? null;
    const { nic, ipv4 } = iface && !('error' in iface) && own ? ownNicAddress(iface, own) : { nic: null, ipv4: null };
    if (nic && ipv4) return { ...base, network: { ipv4, mac: nic.mac, adapterName: nic.name, discoveredAt: now, source: 'guest-cmd' }, tier };
    const why =
      iface && 'error' in iface
        ? iface.unreachable
          ? `its node ${g.node} could not be reached from the node the tray asks (${iface.error}): check that ${g.node} is up and in the cluster (pvecm status)`
          : iface.denied
          ? `the token lacks ${g.type === 'qemu' ? privileges.agent : 'VM.Audit'} on /vms/${g.vmid} (${iface.error}): give it to the token's role`
          : g.type === 'qemu'
            ? `its QEMU guest agent did not answer (${iface.error}): install qemu-guest-agent in the guest and enable the agent option in the VM's settings`
            : `its interfaces could not be read (${iface.error}): check the container on node ${g.node} (pct status ${g.vmid})`
        : !own
          ? `its config (the MAC of its net0) could not be read${read?.configError ? ` (${read.configError.error})` : ''}, so no interface can be told to be its own: ${read?.configError?.denied ? `give the token VM.Audit on /vms/${g.vmid}` : `check the guest on node ${g.node} (${g.type === 'qemu' ? 'qm' : 'pct'} config ${g.vmid})`}`
          : !nic
            ? own.length === 0
              ? `its config has no network device (no netN): add one (Hardware → Add → Network Device)`
              : `no interface it reports has its own MAC (${own.join(', ')}): check that the guest uses the NIC of its netN entries, and not a device passed through to it`
            : 'it reports no IPv4 on its own NIC yet';
    return { ...base, network: { ipv4: null, mac: nic?.mac ?? own?.[0] ?? null, adapterName: nic?.name ?? null, discoveredAt: now, source: 'guest-cmd' }, warnings: [warning('no-ipv4', `Guest is running but has no IPv4 yet: ${why}.`)] };
  });
}
