// Seed 000's DiagnosticResult for one VM, as a pure function of what discovery observed and
// whether SSH answered: the KVP status, SSH reachability, and warnings that each name the fix.

import type { ResolvedMachine } from '../config/load-project.js';
import { isActive } from '../plan/vm-status.js';
import type { DiagnosticResult, VmObservation } from '../types.js';
import { enableKvpCommand, KVP_PACKAGE_HINT, SSHD_FIX, UBUNTU_KVP_FIX } from './fix-commands.js';

export function diagnose(o: VmObservation, sshOpen: boolean | null, machine: ResolvedMachine | undefined, configPath: string): DiagnosticResult {
  const { machineName, vmName, vmState, network } = o.discovery;
  const ipv4 = network?.ipv4 ?? null;
  const warnings: string[] = [];
  const result: DiagnosticResult = { machineName, vmName, kvpStatus: o.kvp.status, sshReachable: ipv4 ? sshOpen : null, warnings };
  if (!o.found) {
    warnings.push(...o.discovery.warnings);
    return result;
  }
  if (!isActive(vmState)) {
    warnings.push(`VM is ${vmState}: start it ('ragnatramp up') to discover its IP and sync its hosts.`);
    return result;
  }
  switch (o.provider === 'hyperv' ? o.kvp.status : 'not applicable') {
    case 'No Contact':
      warnings.push(
        o.kvp.detail === 'Lost Communication'
          ? `KVP lost communication with the guest: its KVP daemon stopped. Restart it in the guest: sudo systemctl restart hv-kvp-daemon.service (Debian: hyperv-daemons.hv-kvp-daemon.service).`
          : `KVP reports 'No Contact': the guest's KVP daemon (hv_kvp_daemon) is not installed or not running, so Hyper-V cannot report the guest's IP${ipv4 && network?.source === 'arp' ? ' (the tray found it in the ARP table instead)' : ''}. Fix in an Ubuntu guest: ${UBUNTU_KVP_FIX.join(' && ')}. Package elsewhere: ${KVP_PACKAGE_HINT}.`,
      );
      break;
    case 'Disabled':
      warnings.push(`The Key-Value Pair Exchange integration service is disabled for this VM, so Hyper-V cannot see guest IPs. Enable it (PowerShell on the host): ${enableKvpCommand(vmName, o.hypervisorId)}`);
      break;
    case 'Unknown':
      warnings.push(`KVP status is unknown${o.kvp.detail ? ` (${o.kvp.detail})` : ''}; IP discovery relies on the host's ARP table.`);
      break;
    case 'OK':
      break;
  }
  for (const w of o.discovery.warnings) if (!/KVP reports|ARP table because/.test(w)) warnings.push(w);
  if (ipv4 && sshOpen === false) warnings.push(`SSH port 22 at ${ipv4} does not answer: start sshd in the guest (${SSHD_FIX}) or open port 22 in its firewall.`);
  if (!machine) warnings.push(`Machine '${machineName}' is in state.json but no longer in ${configPath}; it is left out of hosts sync.`);
  else if (!machine.ssh) warnings.push(`No ssh settings for '${machineName}': hosts sync needs ssh: { user, private_key } under defaults or the machine in ${configPath}.`);
  return result;
}
