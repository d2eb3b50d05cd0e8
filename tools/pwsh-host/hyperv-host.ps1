# The tests' Hyper-V host, as PowerShell sees it: the modules Hyper-V, NetTCPIP and
# Microsoft.PowerShell.Management with the cmdlets the tray calls, answering from the scenario
# in $env:RAGNATRAMP_PWSH_SCENARIO (JSON). Objects carry Hyper-V's enum types and GUIDs; errors
# are terminating ErrorRecords with the real ids, categories and exception types, in the
# scenario's language. Loaded in FullLanguage before the session's language mode is set.

$scenario = [System.IO.File]::ReadAllText($env:RAGNATRAMP_PWSH_SCENARIO) | ConvertFrom-Json

New-Module -Name Hyper-V -ArgumentList $scenario -ScriptBlock {
  param($S)
  $messages = @{
    'en-US' = "Hyper-V was unable to find a virtual machine. The operation failed because the object was not found. Verify that the Virtual Machine Management service on computer 'DEV-PC' is running."
    'de-DE' = "Hyper-V konnte keinen virtuellen Computer finden. Fehler beim Vorgang, da das Objekt nicht gefunden wurde. Überprüfen Sie, ob der Verwaltungsdienst für virtuelle Computer auf dem Computer 'DEV-PC' ausgeführt wird."
  }
  function Fail($cmdlet, $id, $category, $message) {
    $record = [System.Management.Automation.ErrorRecord]::new([Microsoft.HyperV.PowerShell.VirtualizationException]::new($message), $id, $category, $null)
    $cmdlet.ThrowTerminatingError($record)
  }
  function Vms { if ($S.member -eq $false) { return }; foreach ($v in @($S.vms)) { if ($v) { $v } } }
  function VmObject($v) {
    [pscustomobject]@{ Name = [string]$v.name; Id = [guid]$v.id; State = [Microsoft.HyperV.PowerShell.VMState]$(if ($v.state) { $v.state } else { 'Running' }) }
  }
  function Get-VM {
    [CmdletBinding()] param([Parameter()] [guid] $Id)
    if ($S.vmms -and $S.vmms -ne 'Running') { Fail $PSCmdlet 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM' 'ObjectNotFound' $messages[$(if ($S.language) { $S.language } else { 'en-US' })] }
    if ($PSBoundParameters.ContainsKey('Id')) {
      $v = @(Vms | Where-Object { ([guid]$_.id) -eq $Id })
      if ($v.Count -eq 0) { Fail $PSCmdlet 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM' 'InvalidArgument' "Hyper-V was unable to find a virtual machine with ID '$Id'." }
      return VmObject $v[0]
    }
    foreach ($v in Vms) { VmObject $v }
  }
  function ScenarioVm($VM) { @(Vms | Where-Object { ([guid]$_.id) -eq $VM.Id })[0] }
  function Get-VMNetworkAdapter {
    [CmdletBinding()] param([Parameter(Mandatory)] $VM)
    $v = ScenarioVm $VM
    if ($v.adapterError) { Fail $PSCmdlet 'InvalidOperation,Microsoft.HyperV.PowerShell.Commands.GetVMNetworkAdapter' 'InvalidOperation' $v.adapterError }
    $reports = ($VM.State -eq 'Running') -and ((-not $v.kvp) -or $v.kvp -eq 'OK')
    foreach ($a in @($v.adapters)) {
      if (-not $a) { continue }
      $switch = $(if ($null -eq $a.switch -and $a.PSObject.Properties['switch']) { $null } elseif ($a.switch) { [string]$a.switch } else { 'Default Switch' })
      $switchId = $(if ($a.switchId) { [guid]$a.switchId } elseif ($switch -eq 'Default Switch') { [guid]'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444' } else { $null })
      $adapter = [pscustomobject]@{ Name = $(if ($a.name) { [string]$a.name } else { 'Network Adapter' }); MacAddress = ([string]$a.mac).ToUpperInvariant(); SwitchName = $switch; SwitchId = $switchId; IPAddresses = [string[]]@(if ($reports) { @($a.ipAddresses) | Where-Object { $_ } }) }
      # A getter that throws, as IPAddresses does when the guest's network configuration is null.
      if ($a.ipAddressesError) { $message = [string]$a.ipAddressesError; $adapter.PSObject.Properties.Remove('IPAddresses'); $adapter.PSObject.Properties.Add([psscriptproperty]::new('IPAddresses', { throw $message }.GetNewClosure())) }
      $adapter
    }
  }
  function Get-VMIntegrationService {
    [CmdletBinding()] param([Parameter(Mandatory)] $VM)
    $v = ScenarioVm $VM
    $kvp = $(if ($v.kvp) { [string]$v.kvp } else { 'OK' })
    $id = ([string]$VM.Id).ToUpperInvariant()
    [pscustomobject]@{ Name = 'Heartbeat'; Id = "Microsoft:$id\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47"; Enabled = $true; PrimaryStatusDescription = 'OK'; PrimaryOperationalStatus = [Microsoft.HyperV.PowerShell.VMIntegrationComponentOperationalStatus]::Ok }
    if ($kvp -eq 'none') { return }
    $codes = @{ 'OK' = 'Ok'; 'No Contact' = 'NoContact'; 'Lost Communication' = 'LostCommunication'; 'Disabled' = 'Disabled' }
    $running = $VM.State -eq 'Running'
    [pscustomobject]@{
      Name = 'Key-Value Pair Exchange'; Id = "Microsoft:$id\2A34B1C2-FD73-4043-8A5B-DD2159BC743F"; Enabled = ($kvp -ne 'Disabled')
      PrimaryStatusDescription = $(if ($running) { if ($v.kvpDescription) { [string]$v.kvpDescription } else { $kvp } } else { $null })
      PrimaryOperationalStatus = $(if ($running) { [Microsoft.HyperV.PowerShell.VMIntegrationComponentOperationalStatus]$codes[$kvp] } else { $null })
    }
  }
  function Get-VMSwitch {
    [CmdletBinding()] param([guid] $Id)
    if ($S.member -ne $false -and $Id -eq [guid]'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444') { [pscustomobject]@{ Name = 'Default Switch'; Id = $Id } }
  }
  Export-ModuleMember -Function Get-VM, Get-VMNetworkAdapter, Get-VMIntegrationService, Get-VMSwitch
} | Import-Module

New-Module -Name NetTCPIP -ArgumentList $scenario -ScriptBlock {
  param($S)
  $states = @{ Unreachable = 0; Incomplete = 1; Probe = 2; Delay = 3; Stale = 4; Reachable = 5; Permanent = 6 }
  # A CIM instance: State and AddressFamily are numbers, as MSFT_NetNeighbor declares them.
  function Get-NetNeighbor {
    [CmdletBinding()] param([string] $AddressFamily)
    foreach ($n in @($S.neighbors)) {
      if (-not $n) { continue }
      $hex = ([string]$n.mac -replace '[^0-9A-Fa-f]', '').ToUpperInvariant().PadLeft(12, '0')
      [pscustomobject]@{ IPAddress = [string]$n.ip; LinkLayerAddress = ($hex -replace '(..)(?!$)', '$1-'); State = [byte]$states[$(if ($n.state) { [string]$n.state } else { 'Permanent' })]; AddressFamily = [byte]2; InterfaceAlias = $(if ($n.interface) { [string]$n.interface } else { 'vEthernet (Default Switch)' }) }
    }
  }
  Export-ModuleMember -Function Get-NetNeighbor
} | Import-Module

New-Module -Name Microsoft.PowerShell.Management -ArgumentList $scenario -ScriptBlock {
  param($S)
  function Get-Service {
    [CmdletBinding()] param([string] $Name)
    [pscustomobject]@{ Name = $Name; Status = [RagnatrampTray.PwshHost.ServiceControllerStatus]$(if ($S.vmms) { [string]$S.vmms } else { 'Running' }) }
  }
  Export-ModuleMember -Function Get-Service
} | Import-Module

# whoami.exe /groups /fo csv: a member's token carries the Hyper-V Administrators SID.
function global:whoami.exe {
  '"Group Name","Type","SID","Attributes"'
  '"Everyone","Well-known group","S-1-1-0","Mandatory group, Enabled by default, Enabled group"'
  if ($scenario.member -ne $false) { '"BUILTIN\Hyper-V Administrators","Alias","S-1-5-32-578","Mandatory group, Enabled by default, Enabled group"' }
}
