// quickemu VMs as one pass's observations, a pure function of the files read: seed 002's states
// from the VM folder and pid file (not_created → missing, stopped → off, starting/running →
// running, where the plan's status machine tells booting from running by the SSH answer), and the
// address by how the VM is networked: user-mode VMs are reached through their SSH port forward
// and cannot reach each other; a bridged one's address is what its guest agent reports for its
// MAC, else the host's neighbour table's. On a Mac a bridge cannot work (quickemu's `-nic bridge`
// needs QEMU's bridge helper, built for Linux only); a vmnet NIC added through extra_args is
// found by bootpd's lease for its MAC, then its guest agent, then `arp -an`. quickemu keeps no
// console log to read: `<vm>.log` is QEMU's own stderr (quickemu:2157) and the console a socket (:2130).

import { addressFromTiers, pickLease, type Lease } from '../../discovery/address-tiers.js';
import { ownNicAddress } from '../../discovery/guest-interfaces.js';
import { displayMac, normalizeMac } from '../../discovery/net-address.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import type { NeighborEntry } from '../../discovery/pick-neighbor.js';
import { warning, type Warning } from '../../warning.js';
import type { AgentAnswer } from '../provider-entry.js';
import type { AgentReply } from './guest-agent-socket.js';
import type { QuickemuDetail } from './quickemu-detail.js';
import { networkOf, vmnetNic, type QuickemuConf, type VmnetNic, type VmPaths } from './quickemu-files.js';

export interface QuickemuVm {
  confFile: string;
  conf: QuickemuConf;
  paths: VmPaths;
  /** quickemu has started it once: its disk, pid, ports or log file exists (seed 002: not_created otherwise). */
  created: boolean;
  /** The pid file names this VM's live QEMU. */
  running: boolean;
  /** The host port forwarded to the guest's port 22: `.ports` first, else the .conf's ssh_port. */
  sshPort: number | null;
  /** The guest agent's interfaces, for a running VM with an agent socket. */
  agent?: AgentReply;
}

// QEMU gives a NIC without mac= 52:54:00:12:34:56 (net/net.c, qemu_macaddr_default_if_unset);
// quickemu passes mac= only to a bridged NIC with macaddr set (quickemu:1909-1918).
export const QEMU_DEFAULT_MAC = '52:54:00:12:34:56';

/** The MAC of the VM's NIC: its macaddr on a bridge, QEMU's default otherwise. */
export function nicMac(conf: QuickemuConf): string {
  const net = networkOf(conf);
  return (net.kind === 'bridge' && normalizeMac(conf.values['macaddr'])) || normalizeMac(QEMU_DEFAULT_MAC)!;
}

/** The agent's answer, and the address it gave for the VM's own NIC. */
function agentFacts(vm: QuickemuVm): { answer: AgentAnswer; ipv4: string | null } {
  const reply = vm.agent;
  if (!reply) return { answer: { state: 'not asked', why: null }, ipv4: null };
  if ('error' in reply) return { answer: { state: 'no answer', why: reply.error }, ipv4: null };
  const mac = nicMac(vm.conf);
  const nic = ownNicAddress(reply.interfaces, [mac]);
  const why = nic.nic ? null : `the guest agent reports no interface with MAC ${displayMac(mac)}`;
  return { answer: { state: 'answered', why }, ipv4: nic.ipv4 };
}

export interface QuickemuFacts {
  folder: string;
  vms: QuickemuVm[];
  neighbors: NeighborEntry[];
  /** The host's OS: on macOS a bridge cannot work, and vmnet guests are leased by bootpd. */
  platform?: NodeJS.Platform;
  /** bootpd's leases (macOS), for vmnet NICs. */
  leases?: Lease[];
}

/** What to do on a Mac for a VM its peers should reach: a vmnet NIC through extra_args (never a bridge). */
export function macVmnetHint(confFile: string): string {
  return `add a vmnet NIC to ${confFile} through extra_args, e.g. extra_args="-netdev vmnet-shared,id=vmnet0 -device virtio-net-pci,netdev=vmnet0,mac=52:54:00:xx:xx:xx" (QEMU needs root for vmnet; without root, start quickemu under socket_vmnet_client and use -netdev socket,id=vmnet0,fd=3), with a MAC of its own`;
}

/** Where the port forwards of QEMU's user-mode network listen: this host. */
export const FORWARD_HOST = '127.0.0.1';

export function observeQuickemu(refs: VmRef[], facts: QuickemuFacts, now: string): VmObservation[] {
  const lookedIn = `quickemu's folder ${facts.folder}`;
  const nowMs = Date.parse(now);
  return refs.map((ref): VmObservation => {
    const vm = facts.vms.find((v) => v.paths.name === ref.vmName) ?? facts.vms.find((v) => v.paths.name === ref.machineName);
    const base = { ref, hypervisorId: null, network: null, tier: null, lookedIn } as const;
    if (!vm) {
      const w = ref.vmId
        ? warning('vm-missing', `No ${ref.vmName}.conf or ${ref.machineName}.conf in ${facts.folder}: the VM recorded in state.json is gone. Restore its .conf, or run 'ragnatramp up' to recreate it.`)
        : warning('not-created', `Machine '${ref.machineName}' has no ${ref.machineName}.conf in ${facts.folder} yet: create it with quickget, or point the tray at the folder that holds it.`);
      return { ...base, found: false, power: 'missing', vmState: 'missing', warnings: [w], detail: { provider: 'quickemu', conf: null, network: null } };
    }
    const net = networkOf(vm.conf);
    const vmnet = facts.platform === 'darwin' ? vmnetNic(vm.conf) : null;
    const detail: QuickemuDetail = { provider: 'quickemu', conf: vm.confFile, network: vmnet ? 'vmnet' : net.kind, ...(vmnet ? { vmnet: vmnet.mode } : {}), ...(net.kind === 'bridge' && !vmnet ? { bridge: net.bridge } : {}), ...(net.kind === 'user' && !vmnet ? { sshPort: vm.sshPort } : {}) };
    const confWarnings: Warning[] = vm.conf.expanded.includes('disk_img') ? [warning('quickemu/conf-expansion', `disk_img in ${vm.confFile} uses shell expansion, which the tray never runs: it looked for the VM's files in ${vm.paths.dir}. Write the path out in full.`)] : [];
    if (!vm.created) {
      const w = warning('not-created', `'${vm.paths.name}' has a .conf but quickemu has not started it yet (no ${vm.paths.disk}): start it once with 'quickemu --vm ${shellWord(vm.confFile)}'.`);
      return { ...base, found: false, power: 'missing', vmState: 'not created', warnings: [w, ...confWarnings], detail };
    }
    const found = { ...base, found: true, hypervisorId: `quickemu:${vm.confFile}`, detail };
    if (!vm.running) return { ...found, power: 'off', vmState: 'stopped', startWith: `quickemu --vm ${shellWord(vm.confFile)}`, warnings: confWarnings };
    const agent = agentFacts(vm);
    const running = { ...found, detail: { ...detail, agent: agent.answer, ...(net.kind === 'user' ? { guestIpv4: agent.ipv4 } : {}) }, power: 'running' as const, vmState: 'running' };
    if (net.kind === 'none') {
      return { ...running, warnings: [...confWarnings, warning('quickemu/no-network', `network="none" in ${vm.confFile}: the VM has no network, so there is no address to find and no SSH. Remove that line (user-mode) or name a bridge.`, 'no network')] };
    }
    if (vmnet) return observeVmnet(running, vm, vmnet, facts, now, confWarnings);
    if (net.kind === 'bridge' && facts.platform === 'darwin') {
      return { ...running, warnings: [...confWarnings, warning('quickemu/bridge-on-macos', `network="${net.bridge}" in ${vm.confFile} cannot work on macOS: quickemu's -nic bridge needs QEMU's bridge helper, which is built for Linux only. Remove that line (user-mode: SSH through its forward) and ${macVmnetHint(vm.confFile)}.`, 'bridge on macOS')] };
    }
    if (net.kind === 'user') {
      if (vm.sshPort === null) {
        return { ...running, warnings: [...confWarnings, warning('quickemu/no-ssh-forward', `'${vm.paths.name}' has no SSH port forward (no ssh line in ${vm.paths.ports}): restart it with quickemu, which writes one, or set ssh_port in ${vm.confFile}.`, 'no SSH forward')] };
      }
      const wayOut = facts.platform === 'darwin' ? macVmnetHint(vm.confFile) : `set network="<bridge>" in ${vm.confFile}`;
      const isolated = `'${vm.paths.name}' is on QEMU's user-mode network, where VMs cannot reach each other, so it gets no hosts block; ${wayOut} to put it beside the others`;
      return { ...running, forward: { host: FORWARD_HOST, port: vm.sshPort, isolated }, warnings: confWarnings };
    }
    const mac = nicMac(vm.conf);
    if (agent.ipv4) return { ...running, network: { ipv4: agent.ipv4, mac, adapterName: net.bridge, discoveredAt: now, source: 'guest-cmd' }, tier: 'agent', warnings: confWarnings };
    // A bridged VM's DHCP server is the bridge's, not quickemu's: no lease file to read. Without
    // macaddr every such VM has QEMU's one default MAC, so the neighbour table cannot tell them apart.
    const ownMac = vm.conf.values['macaddr'] || null;
    const answer = addressFromTiers(ownMac, { leases: [], neighbors: facts.neighbors, neighbourTable: "the host's neighbour table" }, nowMs);
    const network = { ipv4: answer.ipv4, mac: answer.mac ?? mac, adapterName: net.bridge, discoveredAt: now, source: answer.ipv4 ? answer.source : ('arp' as const) };
    if (answer.ipv4) return { ...running, network, tier: answer.tier, ...(answer.addressChoice ? { addressChoice: answer.addressChoice } : {}), warnings: confWarnings };
    const agentWhy = agent.answer.why ? `; ${agent.answer.why}` : agent.answer.state === 'not asked' ? `; it has no guest agent socket (${vm.paths.agent}: quickemu makes one when the display is none, spice or spice-app)` : '';
    const why = answer.mac
      ? `no neighbour entry on ${net.bridge} for MAC ${displayMac(answer.mac)} yet${agentWhy}`
      : `${vm.confFile} sets no macaddr, so the neighbour table cannot tell this VM from others (QEMU gives every VM the same default MAC)${agentWhy}: set macaddr="52:54:00:…" in it, or run qemu-guest-agent in the guest`;
    return { ...running, network, warnings: [...confWarnings, warning('no-ipv4', `VM is running but has no IPv4 yet: ${why}.`)] };
  });
}

/** A path as one shell word, for a command the user may copy. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A Mac guest on a vmnet NIC: bootpd's lease for the NIC's MAC (vmnet-shared and socket_vmnet
 * take their address from macOS's DHCP server), else its guest agent's address for that MAC,
 * else `arp -an`'s entry. Reached on port 22 at that address, like any guest on a network.
 */
function observeVmnet(running: Omit<VmObservation, 'warnings'>, vm: QuickemuVm, vmnet: VmnetNic, facts: QuickemuFacts, now: string, confWarnings: Warning[]): VmObservation {
  const mac = normalizeMac(vmnet.mac);
  if (!mac) {
    return { ...running, warnings: [...confWarnings, warning('no-ipv4', `VM is running but its ${vmnet.mode} NIC has no mac= in extra_args (${vm.confFile}): bootpd's lease and the neighbour table find a guest by its MAC, so give that -device a MAC of its own (mac=52:54:00:xx:xx:xx), then restart the VM.`)] };
  }
  const base = { mac, adapterName: vmnet.mode, discoveredAt: now };
  const leased = pickLease(mac, facts.leases ?? [], Date.parse(now));
  if (leased) return { ...running, network: { ...base, ipv4: leased, source: 'lease' }, tier: 'lease', warnings: confWarnings };
  const reply = vm.agent && !('error' in vm.agent) ? ownNicAddress(vm.agent.interfaces, [mac]).ipv4 : null;
  if (reply) return { ...running, network: { ...base, ipv4: reply, source: 'guest-cmd' }, tier: 'agent', warnings: confWarnings };
  const answer = addressFromTiers(mac, { leases: [], neighbors: facts.neighbors, neighbourTable: "the host's neighbour table (arp -an)" }, Date.parse(now));
  if (answer.ipv4) return { ...running, network: { ...base, ipv4: answer.ipv4, source: answer.source }, tier: answer.tier, ...(answer.addressChoice ? { addressChoice: answer.addressChoice } : {}), warnings: confWarnings };
  const bootpd = vmnet.mode === 'vmnet-bridged' ? '' : " If the guest never gets one, macOS's firewall may be blocking bootpd: sudo /usr/libexec/ApplicationFirewall/socketfilterfw --add /usr/libexec/bootpd, then --unblock /usr/libexec/bootpd.";
  return { ...running, network: { ...base, ipv4: null, source: 'lease' }, warnings: [...confWarnings, warning('no-ipv4', `VM is running but has no IPv4 yet: no bootpd lease, guest agent answer or neighbour entry for MAC ${displayMac(mac)} on its ${vmnet.mode} NIC.${bootpd}`)] };
}
