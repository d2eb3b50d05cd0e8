// Builds the single PowerShell script that gathers, in one invocation, every Hyper-V and host
// network fact a discovery pass needs: the VMs asked for, their adapters, their KVP integration
// service status, and the host neighbour entries of their MACs.
//
// The script is one line (node-powershell feeds `-Command -`, where a multi-line block would
// need a terminating blank line) and its only variable part is a base64 literal: VM names and
// ids travel as data, so no name can change what the script does. It emits flat records piped
// to ConvertTo-Json: enums as names where they are mapped by name, as numbers where the number
// is the stable key (facts file), and nothing deeper than a list of strings.

import { psData } from './ps-quote.js';

export const DISCOVERY_MARKER = '<# ragnatramp-tray discovery v1 #>';
export const DEFAULT_SWITCH_ID = 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444';
export const KVP_SERVICE_ID_SUFFIX = '2A34B1C2-FD73-4043-8A5B-DD2159BC743F';

export interface DiscoveryRequest {
  ids: string[];
  names: string[];
}

export function normalizeRequest(request: DiscoveryRequest): DiscoveryRequest {
  const uniqueSorted = (xs: string[]) => [...new Set(xs)].sort();
  return { ids: uniqueSorted(request.ids.map((id) => id.toLowerCase())), names: uniqueSorted(request.names) };
}

export function buildDiscoveryScript(request: DiscoveryRequest): string {
  const data = psData(normalizeRequest(request));
  return [
    `& { ${DISCOVERY_MARKER}`,
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    "$WarningPreference = 'SilentlyContinue'",
    "$InformationPreference = 'SilentlyContinue'",
    '[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new()',
    `$want = [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String('${data}')) | ConvertFrom-Json`,
    '$ids = @($want.ids)',
    '$names = @($want.names)',
    `$kvpId = '${KVP_SERVICE_ID_SUFFIX}'`,
    '$vms = @(Get-VM | Where-Object { ($ids -contains ([string]$_.Id)) -or ($names -contains $_.Name) })',
    '$macs = @{}',
    '$records = @(foreach ($vm in $vms) { ' +
      "[pscustomobject]@{ Kind = 'vm'; VMId = [string]$vm.Id; VMName = $vm.Name; State = [string]$vm.State }; " +
      'foreach ($a in @(Get-VMNetworkAdapter -VM $vm)) { ' +
      "if ($a.MacAddress) { $macs[($a.MacAddress -replace '(..)(?!$)', '$1-')] = $true }; " +
      "[pscustomobject]@{ Kind = 'adapter'; VMId = [string]$vm.Id; Name = $a.Name; MacAddress = $a.MacAddress; SwitchName = $a.SwitchName; SwitchId = [string]$a.SwitchId; IPAddresses = @($a.IPAddresses | Where-Object { $_ } | ForEach-Object { [string]$_ }) } }; " +
      'foreach ($s in @(Get-VMIntegrationService -VM $vm -ErrorAction SilentlyContinue | Where-Object { ([string]$_.Id).ToUpperInvariant().EndsWith($kvpId) })) { ' +
      "[pscustomobject]@{ Kind = 'kvp'; VMId = [string]$vm.Id; Enabled = [bool]$s.Enabled; PrimaryStatusDescription = $s.PrimaryStatusDescription; PrimaryOperationalStatus = $(if ($null -ne $s.PrimaryOperationalStatus) { [int]$s.PrimaryOperationalStatus } else { $null }) } } })",
    "if ($macs.Count -gt 0) { $records += @(Get-NetNeighbor -AddressFamily IPv4 -ErrorAction SilentlyContinue | Where-Object { $macs.ContainsKey([string]$_.LinkLayerAddress) } | ForEach-Object { [pscustomobject]@{ Kind = 'neighbor'; IPAddress = $_.IPAddress; LinkLayerAddress = $_.LinkLayerAddress; State = [string]$_.State; InterfaceAlias = $_.InterfaceAlias } }) }",
    '$records | ConvertTo-Json -Depth 3 }',
  ].join('; ');
}

/** The request a discovery script carries, or null if the text is not exactly such a script. */
export function parseDiscoveryScript(script: string): DiscoveryRequest | null {
  const m = /FromBase64String\('([A-Za-z0-9+/=]*)'\)/.exec(script);
  if (!m) return null;
  let request: DiscoveryRequest;
  try {
    const decoded = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as DiscoveryRequest;
    if (!Array.isArray(decoded.ids) || !Array.isArray(decoded.names)) return null;
    request = { ids: decoded.ids.map(String), names: decoded.names.map(String) };
  } catch {
    return null;
  }
  return buildDiscoveryScript(request) === script ? request : null;
}
