// The exact commands the tray suggests for each problem it finds. Values that end up inside a
// suggested PowerShell command are quoted with psQuote; guest-side commands contain no values.

import { DEFAULT_SWITCH_ID, KVP_SERVICE_ID_SUFFIX } from './discovery-script.js';
import { psQuote } from './ps-quote.js';

/** Installs and starts the KVP daemon on an Ubuntu guest (facts file, "Guest side"). */
export const UBUNTU_KVP_FIX = [
  'sudo apt-get install -y linux-cloud-tools-$(uname -r)',
  'sudo modprobe -r hv_utils && sudo modprobe hv_utils',
  'sudo systemctl restart hv-kvp-daemon.service',
];

export const KVP_PACKAGE_HINT = "Ubuntu: linux-cloud-tools-$(uname -r); Debian, RHEL and Fedora: hyperv-daemons";

// -VMName takes wildcards, so a name with [ ] * ? would match other VMs: select by id or exact
// name. Every cmdlet is module-qualified: VMware PowerCLI also exports Get-VM.
function selectVm(vmName: string, vmId: string | null): string {
  return vmId ? `Hyper-V\\Get-VM -Id ${psQuote(vmId)}` : `Hyper-V\\Get-VM | Where-Object Name -eq ${psQuote(vmName)}`;
}

export function enableKvpCommand(vmName: string, vmId: string | null): string {
  return `${selectVm(vmName, vmId)} | Hyper-V\\Get-VMIntegrationService | Where-Object { $_.Id -like '*${KVP_SERVICE_ID_SUFFIX}' } | Hyper-V\\Enable-VMIntegrationService`;
}

/**
 * Adds an adapter on the Default Switch (found by its fixed id, its name is localized) and
 * leaves the VM's other adapters where they are; a host without a Default Switch (Hyper-V on
 * Windows Server, or it was removed) is told so instead of a cryptic null-argument error.
 */
export function connectDefaultSwitchCommand(vmName: string, vmId: string | null): string {
  return `$sw = Hyper-V\\Get-VMSwitch -Id '${DEFAULT_SWITCH_ID}' -ErrorAction SilentlyContinue; if (-not $sw) { Write-Error 'This PC has no Default Switch: create a switch in Hyper-V Manager and connect the VM to it.' } else { ${selectVm(vmName, vmId)} | Hyper-V\\Add-VMNetworkAdapter -SwitchName $sw.Name }`;
}
