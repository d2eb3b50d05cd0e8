// The tests' Windows host as PowerShell sees it: compiled cmdlets (as the real Hyper-V module's
// are) for the modules Hyper-V, NetTCPIP and Microsoft.PowerShell.Management, answering from the
// simulator's scenario (main/engine/simulator/scenario.ts, as JSON in $env:RAGNATRAMP_PWSH_SCENARIO).
// real-powershell.ts compiles this file with Add-Type and imports it in FullLanguage, before the
// session's language mode is lowered.
//
// Facts modelled, with their source (shared/reference/hyperv-facts.md is "facts" below):
// - Compiled cmdlets inherit the caller's $ErrorActionPreference and mostly write
//   non-terminating errors (facts, "Added after running the scripts in the real PowerShell").
// - PowerShell appends the cmdlet's type name to an error id, so each class carries the real
//   module's full type name (FullyQualifiedErrorId "<id>,Microsoft.HyperV.PowerShell.Commands.GetVM").
// - Error ids, categories and texts are the real records':
//   Get-VM, VM not found: InvalidArgument, "InvalidParameter", "Hyper-V was unable to find a
//     virtual machine with name …" (github.com/pluralsight/PS-AutoLab-Env/issues/133);
//   Get-VM, no permission: NotSpecified, "Unspecified", "You do not have the required permission
//     to complete this task. Contact the administrator of the authorization policy for the
//     computer '…'." (github.com/kubernetes/minikube/issues/6732);
//   Get-VM, vmms not running: ObjectNotFound, "… Verify that the Virtual Machine Management
//     service on computer '…' is running." (facts, "Added after a review");
//   Get-VMNetworkAdapter, object gone: ObjectNotFound, "ObjectNotFound", "Hyper-V encountered an
//     error trying to access an object on computer '…' because the object was not found…"
//     (github.com/PlagueHO/LabBuilder/issues/203);
//   Get-VMSwitch -Id, no such switch: ObjectNotFound, "ObjectNotFound", "No Ethernet switch could
//     be found matching the specified criteria." (github.com/canonical/multipass/issues/1323);
//   Get-VMSwitch without permission: as Get-VM's (minikube#6732), id "Unspecified";
//   Get-Service, no such service: ObjectNotFound, "NoServiceFoundForGivenName",
//     Microsoft.PowerShell.Commands.GetServiceCommand, ServiceCommandException
//     (github.com/dfranciscus/Get-PSServiceStatus/issues/1).
// - The exception type of Hyper-V's errors is VirtualizationException (every record above).
// - Enum values: VMState, VMIntegrationComponentOperationalStatus (facts, Get-VM and
//   Get-VMIntegrationService); MSFT_NetNeighbor's State and AddressFamily are numbers (facts,
//   Get-NetNeighbor); MacAddress is 12 upper-case hex digits, LinkLayerAddress dash-separated.
// - SwitchId is a nullable Guid; the Default Switch's id is fixed; IPAddresses dereferences the
//   guest's network configuration and can throw (facts, "Added after a review").
// - Outside Hyper-V Administrators Get-VM lists nothing (facts, unconfirmed), and the switch
//   query is refused (the point 20: the permission record above).
// - Start-VM and Stop-VM as Microsoft documents them (learn.microsoft.com/powershell/module/
//   hyper-v/start-vm and /stop-vm, parameter set VMObject): the VM given as [-VM] or from the
//   pipeline, -Passthru writes it back; Start-VM starts it; Stop-VM "shuts down, turns off, or
//   saves a virtual machine": through the guest by default (-Force: without asking), -TurnOff
//   turns it off, -Save saves it. A start or stop changes the VM's state in the scenario file, so
//   the next Get-VM sees it, as Hyper-V's would.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace Microsoft.HyperV.PowerShell
{
    public enum VMState { Other = 1, Running = 2, Off = 3, Stopping = 4, Saved = 6, Paused = 9, Starting = 10, Reset = 11, Saving = 32773, Pausing = 32776, Resuming = 32777, FastSaved = 32779, FastSaving = 32780 }

    public enum VMIntegrationComponentOperationalStatus { Ok = 2, Degraded = 3, Error = 6, NonRecoverableError = 7, NoContact = 12, LostCommunication = 13, ProtocolMismatch = 32775, CommunicationTimedOut = 32783, CommunicationFailed = 32784, Disabled = 32896 }

    public class VirtualizationException : Exception
    {
        public VirtualizationException(string message) : base(message) { }
    }

    public class VirtualMachine
    {
        internal JsonElement Scenario;
        public string Name { get; internal set; } = "";
        public Guid Id { get; internal set; }
        public Guid VMId => Id;
        public VMState State { get; internal set; }
    }

    public class VMNetworkAdapter
    {
        internal string? IpError;
        internal string[] Ips = Array.Empty<string>();
        public string Name { get; internal set; } = "";
        public string MacAddress { get; internal set; } = "";
        public string? SwitchName { get; internal set; }
        public Guid? SwitchId { get; internal set; }
        public string VMName { get; internal set; } = "";
        public string[] IPAddresses => IpError != null ? throw new VirtualizationException(IpError) : Ips;
    }

    public class VMIntegrationComponent
    {
        public string Name { get; internal set; } = "";
        public string Id { get; internal set; } = "";
        public bool Enabled { get; internal set; }
        public string? PrimaryStatusDescription { get; internal set; }
        public VMIntegrationComponentOperationalStatus? PrimaryOperationalStatus { get; internal set; }
    }

    public class VMSwitch
    {
        public string Name { get; internal set; } = "";
        public Guid Id { get; internal set; }
    }

    /// <summary>The scenario file, read at each call (a test may change it between passes).</summary>
    internal static class ScenarioHost
    {
        public const string DefaultSwitchId = "c08cb7b8-9b3c-408e-8e30-5e16a3aeb444";
        public const string Computer = "DEV-PC";

        public static JsonElement Scenario()
        {
            var file = Environment.GetEnvironmentVariable("RAGNATRAMP_PWSH_SCENARIO") ?? throw new InvalidOperationException("RAGNATRAMP_PWSH_SCENARIO is not set");
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.Clone();
        }

        public static string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        public static bool Has(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Undefined;
        public static bool? Bool(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False) ? v.GetBoolean() : null;

        public static IEnumerable<JsonElement> List(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToArray() : Array.Empty<JsonElement>();

        public static bool Member(JsonElement s) => Bool(s, "member") != false;
        public static string Vmms(JsonElement s) => Str(s, "vmms") ?? "Running";

        /// <summary>scenario.ts's scenarioVmId: a VM without an id gets one from its name.</summary>
        public static Guid VmId(JsonElement vm)
        {
            var id = Str(vm, "id");
            if (id != null) return Guid.Parse(id);
            var h = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("vm:" + Str(vm, "name")))).ToLowerInvariant();
            return Guid.Parse($"{h[..8]}-{h[8..12]}-4{h[13..16]}-8{h[17..20]}-{h[20..32]}");
        }

        /// <summary>simulated-powershell.ts's guidFrom: the id of a switch other than the Default Switch.</summary>
        public static Guid SwitchGuid(string name)
        {
            var h = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("switch:" + name))).ToLowerInvariant();
            return Guid.Parse($"{h[..8]}-{h[8..12]}-{h[12..16]}-{h[16..20]}-{h[20..32]}");
        }

        public static VirtualMachine Vm(JsonElement vm) => new VirtualMachine
        {
            Scenario = vm,
            Name = Str(vm, "name") ?? "",
            Id = VmId(vm),
            State = Enum.Parse<VMState>(Str(vm, "state") ?? "Running"),
        };

        public static readonly Dictionary<string, string> VmmsDown = new()
        {
            ["en-US"] = $"Hyper-V was unable to find a virtual machine. The operation failed because the object was not found. Verify that the Virtual Machine Management service on computer '{Computer}' is running.",
            ["de-DE"] = $"Hyper-V konnte keinen virtuellen Computer finden. Fehler beim Vorgang, da das Objekt nicht gefunden wurde. Überprüfen Sie, ob der Verwaltungsdienst für virtuelle Computer auf dem Computer '{Computer}' ausgeführt wird.",
        };

        public static string Permission => $"You do not have the required permission to complete this task. Contact the administrator of the authorization policy for the computer '{Computer}'.";

        /// <summary>Records a VM's new state in the scenario file (a start or stop the tests' host carried out).</summary>
        public static void SetState(Guid id, VMState state)
        {
            var file = Environment.GetEnvironmentVariable("RAGNATRAMP_PWSH_SCENARIO")!;
            var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var vm in root["vms"]!.AsArray())
            {
                if (VmId(JsonDocument.Parse(vm!.ToJsonString()).RootElement) == id) vm!["state"] = state.ToString();
            }
            File.WriteAllText(file, root.ToJsonString());
        }

        public static ErrorRecord Error(string message, string id, ErrorCategory category, object? target = null) =>
            new ErrorRecord(new VirtualizationException(message), id, category, target);
    }
}

namespace Microsoft.HyperV.PowerShell.Commands
{
    using Microsoft.HyperV.PowerShell;

    [Cmdlet(VerbsCommon.Get, "VM")]
    [OutputType(typeof(VirtualMachine))]
    public class GetVM : PSCmdlet
    {
        [Parameter] public Guid[]? Id { get; set; }

        protected override void ProcessRecord()
        {
            var s = ScenarioHost.Scenario();
            if (ScenarioHost.Vmms(s) != "Running")
            {
                WriteError(ScenarioHost.Error(ScenarioHost.VmmsDown[ScenarioHost.Str(s, "language") ?? "en-US"], "ObjectNotFound", ErrorCategory.ObjectNotFound));
                return;
            }
            var vms = ScenarioHost.Member(s) ? ScenarioHost.List(s, "vms").ToList() : new List<JsonElement>();
            if (Id != null)
            {
                foreach (var id in Id)
                {
                    var vm = vms.FirstOrDefault(v => ScenarioHost.VmId(v) == id);
                    if (vm.ValueKind == JsonValueKind.Undefined) WriteError(ScenarioHost.Error($"Hyper-V was unable to find a virtual machine with ID \"{id}\".", "InvalidParameter", ErrorCategory.InvalidArgument, id.ToString()));
                    else Emit(vm);
                }
                return;
            }
            foreach (var vm in vms) Emit(vm);
        }

        // A VM the scenario marks with vmError cannot be read (half deleted): an error in its place.
        private void Emit(JsonElement vm)
        {
            var error = ScenarioHost.Str(vm, "vmError");
            if (error != null) WriteError(ScenarioHost.Error(error, "ObjectNotFound", ErrorCategory.ObjectNotFound));
            else WriteObject(ScenarioHost.Vm(vm));
        }
    }

    [Cmdlet(VerbsLifecycle.Start, "VM")]
    [OutputType(typeof(VirtualMachine))]
    public class StartVM : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)] public VirtualMachine[] VM { get; set; } = Array.Empty<VirtualMachine>();
        [Parameter] public SwitchParameter Passthru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var vm in VM)
            {
                ScenarioHost.SetState(vm.Id, VMState.Running);
                vm.State = VMState.Running;
                if (Passthru) WriteObject(vm);
            }
        }
    }

    [Cmdlet(VerbsLifecycle.Stop, "VM")]
    [OutputType(typeof(VirtualMachine))]
    public class StopVM : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)] public VirtualMachine[] VM { get; set; } = Array.Empty<VirtualMachine>();
        [Parameter] public SwitchParameter Force { get; set; }
        [Parameter] public SwitchParameter TurnOff { get; set; }
        [Parameter] public SwitchParameter Save { get; set; }
        [Parameter] public SwitchParameter Passthru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var vm in VM)
            {
                var state = Save ? VMState.Saved : VMState.Off;
                ScenarioHost.SetState(vm.Id, state);
                vm.State = state;
                if (Passthru) WriteObject(vm);
            }
        }
    }

    [Cmdlet(VerbsCommon.Get, "VMNetworkAdapter")]
    [OutputType(typeof(VMNetworkAdapter))]
    public class GetVMNetworkAdapter : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)] public VirtualMachine[] VM { get; set; } = Array.Empty<VirtualMachine>();

        protected override void ProcessRecord()
        {
            foreach (var vm in VM)
            {
                var s = vm.Scenario;
                var error = ScenarioHost.Str(s, "adapterError");
                if (error != null)
                {
                    WriteError(ScenarioHost.Error(error, "ObjectNotFound", ErrorCategory.ObjectNotFound));
                    continue;
                }
                var kvp = ScenarioHost.Str(s, "kvp") ?? "OK";
                // KVP reports addresses only for a running guest whose daemon answers (simulated-powershell.ts's kvpReportsAddresses).
                var reports = vm.State == VMState.Running && kvp == "OK";
                foreach (var a in ScenarioHost.List(s, "adapters"))
                {
                    string? sw = a.TryGetProperty("switch", out var swv) ? (swv.ValueKind == JsonValueKind.String ? swv.GetString() : null) : "Default Switch";
                    var switchId = ScenarioHost.Str(a, "switchId");
                    WriteObject(new VMNetworkAdapter
                    {
                        Name = ScenarioHost.Str(a, "name") ?? "Network Adapter",
                        MacAddress = (ScenarioHost.Str(a, "mac") ?? "").ToUpperInvariant(),
                        SwitchName = sw,
                        SwitchId = switchId != null ? Guid.Parse(switchId) : sw == "Default Switch" ? Guid.Parse(ScenarioHost.DefaultSwitchId) : sw != null ? ScenarioHost.SwitchGuid(sw) : null,
                        VMName = vm.Name,
                        Ips = reports ? ScenarioHost.List(a, "ipAddresses").Select(i => i.GetString() ?? "").ToArray() : Array.Empty<string>(),
                        IpError = ScenarioHost.Str(a, "ipAddressesError"),
                    });
                }
            }
        }
    }

    [Cmdlet(VerbsCommon.Get, "VMIntegrationService")]
    [OutputType(typeof(VMIntegrationComponent))]
    public class GetVMIntegrationService : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)] public VirtualMachine[] VM { get; set; } = Array.Empty<VirtualMachine>();

        private static readonly Dictionary<string, VMIntegrationComponentOperationalStatus> Codes = new()
        {
            ["OK"] = VMIntegrationComponentOperationalStatus.Ok,
            ["No Contact"] = VMIntegrationComponentOperationalStatus.NoContact,
            ["Lost Communication"] = VMIntegrationComponentOperationalStatus.LostCommunication,
            ["Disabled"] = VMIntegrationComponentOperationalStatus.Disabled,
        };

        protected override void ProcessRecord()
        {
            foreach (var vm in VM)
            {
                var id = vm.Id.ToString().ToUpperInvariant();
                WriteObject(new VMIntegrationComponent { Name = "Heartbeat", Id = $"Microsoft:{id}\\84EAAE65-2F2E-45F5-9BB5-0E857DC8EB47", Enabled = true, PrimaryStatusDescription = "OK", PrimaryOperationalStatus = VMIntegrationComponentOperationalStatus.Ok });
                var kvp = ScenarioHost.Str(vm.Scenario, "kvp") ?? "OK";
                if (kvp == "none") continue;
                // A VM that is not running reports no status (facts, Get-VMIntegrationService).
                var running = vm.State == VMState.Running;
                WriteObject(new VMIntegrationComponent
                {
                    Name = "Key-Value Pair Exchange",
                    Id = $"Microsoft:{id}\\2A34B1C2-FD73-4043-8A5B-DD2159BC743F",
                    Enabled = kvp != "Disabled",
                    PrimaryStatusDescription = running ? ScenarioHost.Str(vm.Scenario, "kvpDescription") ?? kvp : null,
                    PrimaryOperationalStatus = running ? Codes[kvp] : null,
                });
            }
        }
    }

    [Cmdlet(VerbsCommon.Get, "VMSwitch")]
    [OutputType(typeof(VMSwitch))]
    public class GetVMSwitch : PSCmdlet
    {
        [Parameter] public Guid[]? Id { get; set; }

        protected override void ProcessRecord()
        {
            var s = ScenarioHost.Scenario();
            if (!ScenarioHost.Member(s))
            {
                WriteError(ScenarioHost.Error(ScenarioHost.Permission, "Unspecified", ErrorCategory.NotSpecified));
                return;
            }
            foreach (var id in Id ?? new[] { Guid.Parse(ScenarioHost.DefaultSwitchId) })
            {
                if (id == Guid.Parse(ScenarioHost.DefaultSwitchId)) WriteObject(new VMSwitch { Name = "Default Switch", Id = id });
                else WriteError(ScenarioHost.Error("No Ethernet switch could be found matching the specified criteria.", "ObjectNotFound", ErrorCategory.ObjectNotFound));
            }
        }
    }
}

namespace Microsoft.Management.Infrastructure.CimCmdlets.NetTCPIP
{
    using Microsoft.HyperV.PowerShell;

    /// <summary>What a MSFT_NetNeighbor instance shows: State and AddressFamily as numbers.</summary>
    public class NetNeighbor
    {
        public string IPAddress { get; internal set; } = "";
        public string LinkLayerAddress { get; internal set; } = "";
        public byte State { get; internal set; }
        public byte AddressFamily { get; internal set; }
        public string InterfaceAlias { get; internal set; } = "";
    }

    [Cmdlet(VerbsCommon.Get, "NetNeighbor")]
    public class GetNetNeighbor : PSCmdlet
    {
        [Parameter] public string? AddressFamily { get; set; }

        private static readonly string[] States = { "Unreachable", "Incomplete", "Probe", "Delay", "Stale", "Reachable", "Permanent" };

        protected override void ProcessRecord()
        {
            foreach (var n in ScenarioHost.List(ScenarioHost.Scenario(), "neighbors"))
            {
                var hex = new string((ScenarioHost.Str(n, "mac") ?? "").Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant().PadLeft(12, '0');
                WriteObject(new NetNeighbor
                {
                    IPAddress = ScenarioHost.Str(n, "ip") ?? "",
                    LinkLayerAddress = string.Join("-", Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2))),
                    State = (byte)Array.IndexOf(States, ScenarioHost.Str(n, "state") ?? "Permanent"),
                    AddressFamily = 2,
                    InterfaceAlias = ScenarioHost.Str(n, "interface") ?? "vEthernet (Default Switch)",
                });
            }
        }
    }
}

namespace Microsoft.PowerShell.Commands
{
    using Microsoft.HyperV.PowerShell;

    /// <summary>System.ServiceProcess.ServiceControllerStatus's values.</summary>
    public enum ServiceControllerStatus { Stopped = 1, StartPending = 2, StopPending = 3, Running = 4, ContinuePending = 5, PausePending = 6, Paused = 7 }

    public class ServiceController
    {
        public string Name { get; internal set; } = "";
        public ServiceControllerStatus Status { get; internal set; }
    }

    public class ServiceCommandException : SystemException
    {
        public ServiceCommandException(string message) : base(message) { }
    }

    [Cmdlet(VerbsCommon.Get, "Service")]
    public class GetServiceCommand : PSCmdlet
    {
        [Parameter(Position = 0)] public string[] Name { get; set; } = Array.Empty<string>();

        protected override void ProcessRecord()
        {
            var s = ScenarioHost.Scenario();
            foreach (var name in Name)
            {
                if (!name.Equals("vmms", StringComparison.OrdinalIgnoreCase))
                    WriteError(new ErrorRecord(new ServiceCommandException($"Cannot find any service with service name '{name}'."), "NoServiceFoundForGivenName", ErrorCategory.ObjectNotFound, name));
                else WriteObject(new ServiceController { Name = name, Status = Enum.Parse<ServiceControllerStatus>(ScenarioHost.Vmms(s)) });
            }
        }
    }
}
