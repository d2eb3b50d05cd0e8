// Proxmox VE guests as one pass's observations, a pure function of the API's answers, in the
// style of seed 004's planner: each ref is matched by its state.json id (the vmid), else by
// name; the status maps onto Power; a running guest's address is the first usable IPv4 its agent
// (a VM) or the container reports on an interface with a MAC. Nothing is guessed: a guest whose
// interfaces could not be read has no address and says why.

import { isUsableIpv4 } from '../../discovery/net-address.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { warning } from '../../warning.js';
import { proxmoxPower, type GuestInterface, type ProxmoxGuest } from './proxmox-api.js';
import type { ProxmoxDetail } from './proxmox-detail.js';

export interface ProxmoxFacts {
  cluster: string;
  guests: ProxmoxGuest[];
  /** By vmid, for the running guests asked about: their interfaces, or why they could not be read. */
  interfaces: ReadonlyMap<number, GuestInterface[] | { error: string }>;
}

export function matchGuest(ref: VmRef, guests: ProxmoxGuest[]): ProxmoxGuest | undefined {
  const id = ref.vmId?.replace(/^(qemu|lxc)\//, '');
  return (id && /^\d+$/.test(id) && guests.find((g) => g.vmid === Number(id))) || guests.find((g) => g.name === ref.vmName) || guests.find((g) => g.name === ref.machineName);
}

export function observeProxmox(refs: VmRef[], facts: ProxmoxFacts, now: string): VmObservation[] {
  const lookedIn = `the Proxmox VE cluster at ${facts.cluster}`;
  return refs.map((ref): VmObservation => {
    const g = matchGuest(ref, facts.guests);
    if (!g) {
      const w = ref.vmId
        ? warning('vm-missing', `Guest '${ref.vmName}' (id ${ref.vmId}) is recorded in state.json but ${lookedIn} has no such guest (the API token may also lack VM.Audit on it).`)
        : warning('not-created', `Machine '${ref.machineName}' has no guest named '${ref.vmName}' or '${ref.machineName}' in ${lookedIn}.`);
      return { ref, found: false, hypervisorId: null, power: 'missing', vmState: 'missing', network: null, tier: null, warnings: [w], lookedIn, detail: { provider: 'proxmox', where: null, kind: null, agent: { state: 'not asked', why: null } } };
    }
    const read = facts.interfaces.get(g.vmid);
    const agent: ProxmoxDetail['agent'] = !read ? { state: 'not asked', why: null } : 'error' in read ? { state: 'no answer', why: read.error } : { state: 'answered', why: null };
    const detail: ProxmoxDetail = { provider: 'proxmox', where: `${g.node}/${g.vmid}`, kind: g.type, agent };
    const base: VmObservation = { ref, found: true, hypervisorId: `proxmox:${g.vmid}`, power: proxmoxPower(g.status), vmState: g.status, network: null, tier: null, warnings: [], lookedIn, detail };
    if (base.power !== 'running') return base;
    const tier = g.type === 'qemu' ? 'agent' : 'container';
    const found = read && !('error' in read) ? read.map((i) => ({ i, ip: i.ipv4.find(isUsableIpv4) })).find((x) => x.i.mac && x.i.mac !== '000000000000' && x.ip) : undefined;
    if (found) return { ...base, network: { ipv4: found.ip!, mac: found.i.mac, adapterName: found.i.name, discoveredAt: now, source: 'guest-cmd' }, tier };
    const why = agent.state === 'no answer'
      ? g.type === 'qemu'
        ? `its QEMU guest agent did not answer (${agent.why}): install qemu-guest-agent in the guest and enable the agent option in the VM's settings`
        : `its interfaces could not be read (${agent.why})`
      : 'it reports no IPv4 on any interface yet';
    return { ...base, network: { ipv4: null, mac: null, adapterName: null, discoveredAt: now, source: 'guest-cmd' }, warnings: [warning('no-ipv4', `Guest is running but has no IPv4 yet: ${why}.`)] };
  });
}
