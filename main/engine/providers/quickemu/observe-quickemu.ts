// quickemu VMs as one pass's observations, a pure function of the files read: seed 002's states
// from the VM folder and pid file (not_created → missing, stopped → off, starting/running →
// running, where the plan's status machine tells booting from running by the SSH answer), and the
// address by how the VM is networked: user-mode VMs are reached through their SSH port forward
// and cannot reach each other; bridged ones go through seed 003's tiers by MAC.

import { addressFromTiers } from '../../discovery/address-tiers.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import type { NeighborEntry } from '../../discovery/pick-neighbor.js';
import { warning, type Warning } from '../../warning.js';
import type { QuickemuDetail } from './quickemu-detail.js';
import { networkOf, type QuickemuConf, type VmPaths } from './quickemu-files.js';

export interface QuickemuVm {
  confFile: string;
  conf: QuickemuConf;
  paths: VmPaths;
  /** The VM folder exists and holds something (seed 002: not_created otherwise). */
  created: boolean;
  /** The pid file names a live QEMU process. */
  running: boolean;
  /** The host port forwarded to the guest's port 22: `.ports` first, else the .conf's ssh_port. */
  sshPort: number | null;
  /** The tail of `<vm>.log`, for a running bridged VM. */
  consoleLog?: string;
}

export interface QuickemuFacts {
  folder: string;
  vms: QuickemuVm[];
  neighbors: NeighborEntry[];
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
    const detail: QuickemuDetail = { provider: 'quickemu', conf: vm.confFile, network: net.kind, ...(net.kind === 'bridge' ? { bridge: net.bridge } : {}), ...(net.kind === 'user' ? { sshPort: vm.sshPort } : {}) };
    const confWarnings: Warning[] = vm.conf.expanded.includes('disk_img') ? [warning('quickemu/conf-expansion', `disk_img in ${vm.confFile} uses shell expansion, which the tray never runs: it looked for the VM's files in ${vm.paths.dir}. Write the path out in full.`)] : [];
    if (!vm.created) {
      const w = warning('not-created', `'${vm.paths.name}' has a .conf but nothing in ${vm.paths.dir} yet: start it once with 'quickemu --vm ${vm.confFile}'.`);
      return { ...base, found: false, power: 'missing', vmState: 'not created', warnings: [w, ...confWarnings], detail };
    }
    const found = { ...base, found: true, hypervisorId: `quickemu:${vm.confFile}`, detail };
    if (!vm.running) return { ...found, power: 'off', vmState: 'stopped', warnings: confWarnings };
    const running = { ...found, power: 'running' as const, vmState: 'running' };
    if (net.kind === 'none') {
      return { ...running, warnings: [...confWarnings, warning('quickemu/no-network', `network="none" in ${vm.confFile}: the VM has no network, so there is no address to find and no SSH. Remove that line (user-mode) or name a bridge.`, 'no network')] };
    }
    if (net.kind === 'user') {
      if (vm.sshPort === null) {
        return { ...running, warnings: [...confWarnings, warning('quickemu/no-ssh-forward', `'${vm.paths.name}' has no SSH port forward (no ssh line in ${vm.paths.ports}): restart it with quickemu, which writes one, or set ssh_port in ${vm.confFile}.`, 'no SSH forward')] };
      }
      const isolated = `'${vm.paths.name}' is on QEMU's user-mode network, where VMs cannot reach each other, so it gets no hosts block; set network="<bridge>" in ${vm.confFile} to put it beside the others`;
      return { ...running, forward: { host: FORWARD_HOST, port: vm.sshPort, isolated }, warnings: confWarnings };
    }
    // A bridged VM's DHCP server is the bridge's, not quickemu's: no lease file to read.
    const answer = addressFromTiers(vm.conf.values['macaddr'] || null, { leases: [], consoleLog: vm.consoleLog, neighbors: facts.neighbors, neighbourTable: "the host's neighbour table" }, nowMs);
    const network = { ipv4: answer.ipv4, mac: answer.mac, adapterName: net.bridge, discoveredAt: now, source: answer.ipv4 ? answer.source : ('arp' as const) };
    if (answer.ipv4) return { ...running, network, tier: answer.tier, ...(answer.addressChoice ? { addressChoice: answer.addressChoice } : {}), warnings: confWarnings };
    const why = answer.mac
      ? `no console log entry or neighbour entry on ${net.bridge} for MAC ${answer.mac} yet`
      : `${vm.confFile} sets no macaddr and the console log shows none, so there is no MAC to look for (QEMU gives every VM the same default): set macaddr="52:54:00:…" in it`;
    return { ...running, network, warnings: [...confWarnings, warning('no-ipv4', `VM is running but has no IPv4 yet: ${why}.`)] };
  });
}
