// The Hyper-V and Windows types the test host's objects carry, with the values of the real ones
// (shared/reference/hyperv-facts.md): what a script sees when it casts or compares them.

namespace Microsoft.HyperV.PowerShell
{
    public enum VMState { Other = 1, Running = 2, Off = 3, Stopping = 4, Saved = 6, Paused = 9, Starting = 10, Reset = 11, Saving = 32773, Pausing = 32776, Resuming = 32777, FastSaved = 32779, FastSaving = 32780 }

    public enum VMIntegrationComponentOperationalStatus { Ok = 2, Degraded = 3, Error = 6, NonRecoverableError = 7, NoContact = 12, LostCommunication = 13, ProtocolMismatch = 32775, CommunicationTimedOut = 32783, CommunicationFailed = 32784, Disabled = 32896 }

    /// <summary>What the Hyper-V module throws; CategoryInfo.Reason shows its name.</summary>
    public sealed class VirtualizationException(string message) : Exception(message);
}

namespace RagnatrampTray.PwshHost
{
    /// <summary>System.ServiceProcess.ServiceControllerStatus's values.</summary>
    public enum ServiceControllerStatus { Stopped = 1, StartPending = 2, StopPending = 3, Running = 4, ContinuePending = 5, PausePending = 6, Paused = 7 }
}
