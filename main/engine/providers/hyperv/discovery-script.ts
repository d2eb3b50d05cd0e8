// Builds the single PowerShell script that gathers, in one invocation, every Hyper-V and host
// network fact a discovery pass needs: the VMs asked for, their adapters, their KVP integration
// service status, the host neighbour entries of their MACs, and the host facts that explain a
// failure (language mode, the vmms service, Hyper-V Administrators membership).
//
// Written for the machines it meets (facts file, "Added after a review"):
// - one line: node-powershell feeds `-Command -`, where a multi-line block needs a blank line;
// - the request is a single-quoted JSON literal, pure ASCII (\uXXXX escapes), read by
//   ConvertFrom-Json: no name reaches the script as code, and nothing needs [Console],
//   [System.Text.Encoding] or [System.Convert], which Constrained Language Mode refuses;
// - the output is pure ASCII too (\uXXXX escapes), so no console code page can garble a name;
// - every cmdlet is module-qualified (VMware PowerCLI also exports Get-VM);
// - records are hashtables: Constrained Language Mode refuses [pscustomobject]@{…} ("Hashtable-
//   to-Object conversion is not supported"), seen running this script in the real engine;
// - each VM is read in its own try/catch and each property once (SwitchName and SwitchId are WMI
//   lookups, and a getter can throw): one VM deleted or half-created mid-pass yields an error
//   record for that VM (after its own record, so its name and state stay known), and the others
//   are discovered; a VM that Get-VM cannot read while listing is a non-terminating error, kept
//   as a 'list' record beside the VMs it did list;
// - errors are records with the language-neutral FullyQualifiedErrorId, category and reason;
// - VMs with an id are fetched by id; Get-VM lists all VMs only for names still unfound;
// - the all-zero MAC of a never-started dynamic-MAC VM is skipped, and MACs are compared by
//   their hex digits only.

import { psQuote } from './ps-quote.js';

export const DISCOVERY_MARKER = '<# ragnatramp-tray discovery v2 #>';
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

/** JSON with every non-ASCII character escaped: the literal is ASCII whatever the names hold. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function buildDiscoveryScript(request: DiscoveryRequest): string {
  const data = psQuote(asciiJson(normalizeRequest(request)));
  const errorRecord = "@{ Kind = 'error'; Scope = $scope; VMId = $vmId; VMName = $vmName; ErrorId = [string]$e.FullyQualifiedErrorId; Category = [string]$e.CategoryInfo.Category; Reason = [string]$e.CategoryInfo.Reason; Message = [string]$e.Exception.Message }";
  return [
    `& { ${DISCOVERY_MARKER}`,
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    "$WarningPreference = 'SilentlyContinue'",
    "$InformationPreference = 'SilentlyContinue'",
    `$want = ConvertFrom-Json -InputObject ${data}`,
    '$ids = @($want.ids)',
    '$names = @($want.names)',
    `$kvpId = '${KVP_SERVICE_ID_SUFFIX}'`,
    `$err = { param($scope, $vmId, $vmName, $e) ${errorRecord} }`,
    '$records = @()',
    '$failed = $false',
    '$vms = @()',
    // A VM deleted since state.json was written fails its id lookup: its name is looked up below.
    'foreach ($id in $ids) { try { $vms += @(Hyper-V\\Get-VM -Id $id) } catch { } }',
    '$have = @{}',
    'foreach ($v in $vms) { $have[[string]$v.Name] = $true }',
    '$rest = @($names | Where-Object { -not $have.ContainsKey([string]$_) })',
    // Listing all VMs, one unreadable VM writes a non-terminating error: the others are kept, and
    // the error is a 'list' record; only a listing that yields nothing but errors fails the pass.
    "if ($rest.Count -gt 0) { try { $seen = @{}; foreach ($v in $vms) { $seen[[string]$v.Id] = $true }; $listErrors = @(); $all = @(Hyper-V\\Get-VM -ErrorAction SilentlyContinue -ErrorVariable listErrors); if ($all.Count -eq 0 -and $listErrors.Count -gt 0) { $records += & $err 'host' '' '' $listErrors[0]; $failed = $true } else { foreach ($e in $listErrors) { $records += & $err 'list' '' '' $e }; $vms += @($all | Where-Object { ($rest -contains $_.Name) -and -not $seen.ContainsKey([string]$_.Id) }) } } catch { $records += & $err 'host' '' '' $_; $failed = $true } }",
    '$macs = @{}',
    'foreach ($vm in $vms) { ' +
      '$vmId = [string]$vm.Id; $vmName = [string]$vm.Name; ' +
      // The VM's own record first: a failure below keeps its known name and state.
      "$records += @{ Kind = 'vm'; VMId = $vmId; VMName = $vmName; State = [string]$vm.State }; " +
      'try { ' +
      '$rs = @(); ' +
      'foreach ($a in @(Hyper-V\\Get-VMNetworkAdapter -VM $vm)) { ' +
      '$mac = [string]$a.MacAddress; ' +
      "$rs += @{ Kind = 'adapter'; VMId = $vmId; Name = [string]$a.Name; MacAddress = $mac; SwitchName = [string]$a.SwitchName; SwitchId = [string]$a.SwitchId; IPAddresses = @(@($a.IPAddresses) | Where-Object { $_ } | ForEach-Object { [string]$_ }) }; " +
      "$hex = ($mac -replace '[^0-9A-Fa-f]', '').ToUpperInvariant(); " +
      "if ($hex.Length -eq 12 -and $hex -ne '000000000000') { $macs[$hex] = $true } }; " +
      'foreach ($s in @(Hyper-V\\Get-VMIntegrationService -VM $vm)) { ' +
      'if (([string]$s.Id).ToUpperInvariant().EndsWith($kvpId)) { ' +
      '$code = $s.PrimaryOperationalStatus; ' +
      "$rs += @{ Kind = 'kvp'; VMId = $vmId; Enabled = [bool]$s.Enabled; PrimaryStatusDescription = [string]$s.PrimaryStatusDescription; PrimaryOperationalStatus = $(if ($null -ne $code) { [int]$code } else { $null }) } } }; " +
      '$records += $rs ' +
      "} catch { $records += & $err 'vm' $vmId $vmName $_ } }",
    "if ($macs.Count -gt 0) { try { foreach ($n in @(NetTCPIP\\Get-NetNeighbor -AddressFamily IPv4 -ErrorAction SilentlyContinue)) { $lla = [string]$n.LinkLayerAddress; if ($macs.ContainsKey(($lla -replace '[^0-9A-Fa-f]', '').ToUpperInvariant())) { $records += @{ Kind = 'neighbor'; IPAddress = [string]$n.IPAddress; LinkLayerAddress = $lla; State = [string]$n.State; InterfaceAlias = [string]$n.InterfaceAlias } } } } catch { $records += & $err 'neighbors' '' '' $_ } }",
    // Why Hyper-V answered nothing: asked only then, as each costs a process or a service query.
    '$vmms = $null',
    '$member = $null',
    "if ($failed -or $vms.Count -eq 0) { $vmms = try { [string](Microsoft.PowerShell.Management\\Get-Service -Name vmms).Status } catch { 'Missing' }; $member = try { [bool](@(whoami.exe /groups /fo csv) -match 'S-1-5-32-578') } catch { $null } }",
    "$records += @{ Kind = 'host'; LanguageMode = [string]$ExecutionContext.SessionState.LanguageMode; PSVersion = [string]$PSVersionTable.PSVersion; Vmms = $vmms; Member = $member }",
    '$json = ConvertTo-Json -InputObject @($records) -Depth 3 -Compress',
    ASCII_OUTPUT,
    '$json }',
  ].join('; ');
}

/**
 * The scripts' last step: $json with every non-ASCII character as a \\uXXXX escape (CLM-safe:
 * [regex] and string methods are core types). Linear: it visits the non-ASCII characters only and
 * copies the ASCII runs between them whole (a pipeline over every character took 0.5 s in
 * FullLanguage and 1.5 s in ConstrainedLanguage on 50 VMs; `npm run bench` measures it).
 */
export const ASCII_OUTPUT = "if ($json -match '[^\\x00-\\x7F]') { $last = 0; $parts = foreach ($m in [regex]::Matches($json, '[^\\x00-\\x7F]')) { $json.Substring($last, $m.Index - $last); '\\u{0:x4}' -f [int][char]$m.Value; $last = $m.Index + 1 }; $json = (-join @($parts)) + $json.Substring($last) }";

export const DOCTOR_MARKER = '<# ragnatramp-tray doctor v1 #>';

/**
 * `doctor`'s one script: every host-side step of a pass, each caught on its own, as one flat
 * JSON object. Constant: it carries no data. Same rules as the discovery script.
 */
export const DOCTOR_SCRIPT = [
  `& { ${DOCTOR_MARKER}`,
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  "$WarningPreference = 'SilentlyContinue'",
  '$r = @{ PSVersion = [string]$PSVersionTable.PSVersion; LanguageMode = [string]$ExecutionContext.SessionState.LanguageMode }',
  "$r.HyperVModule = [bool](Microsoft.PowerShell.Core\\Get-Command -Name Hyper-V\\Get-VM -ErrorAction SilentlyContinue)",
  "$r.Vmms = try { [string](Microsoft.PowerShell.Management\\Get-Service -Name vmms).Status } catch { 'Missing' }",
  "$r.Member = try { [bool](@(whoami.exe /groups /fo csv) -match 'S-1-5-32-578') } catch { $null }",
  'try { $r.VmCount = @(Hyper-V\\Get-VM).Count } catch { $r.VmError = [string]$_.Exception.Message; $r.VmErrorId = [string]$_.FullyQualifiedErrorId }',
  // Only "not found" means there is no Default Switch; any other error (a refused permission)
  // is reported as it is.
  `try { $r.DefaultSwitch = @(Hyper-V\\Get-VMSwitch -Id '${DEFAULT_SWITCH_ID}').Count -gt 0 } catch { if ([string]$_.FullyQualifiedErrorId -like 'ObjectNotFound,*') { $r.DefaultSwitch = $false } else { $r.DefaultSwitch = $null; $r.SwitchError = [string]$_.Exception.Message; $r.SwitchErrorId = [string]$_.FullyQualifiedErrorId } }`,
  'try { $r.NeighborCount = @(NetTCPIP\\Get-NetNeighbor -AddressFamily IPv4 -ErrorAction SilentlyContinue).Count } catch { $r.NeighborError = [string]$_.Exception.Message }',
  '$json = ConvertTo-Json -InputObject $r -Compress',
  ASCII_OUTPUT,
  '$json }',
].join('; ');

/** The request a discovery script carries, or null if the text is not exactly such a script. */
export function parseDiscoveryScript(script: string): DiscoveryRequest | null {
  const m = /ConvertFrom-Json -InputObject '((?:[^']|'')*)'/.exec(script);
  if (!m) return null;
  let request: DiscoveryRequest;
  try {
    const decoded = JSON.parse(m[1]!.replace(/''/g, "'")) as DiscoveryRequest;
    if (!Array.isArray(decoded.ids) || !Array.isArray(decoded.names)) return null;
    request = { ids: decoded.ids.map(String), names: decoded.names.map(String) };
  } catch {
    return null;
  }
  return buildDiscoveryScript(request) === script ? request : null;
}
