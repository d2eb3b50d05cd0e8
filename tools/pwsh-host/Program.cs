// powershell.exe's command line over the real PowerShell engine, for the tests: it reads
// statements from stdin (`-Command -`), runs each in one long-lived runspace, writes output to
// stdout and errors to stderr as Windows PowerShell formats them, and ends at end of input.
// RAGNATRAMP_PWSH_PRELUDE names a script run first, in FullLanguage (the tests' Hyper-V host);
// RAGNATRAMP_PWSH_LANGUAGE_MODE then sets the language mode, as WDAC or AppLocker would.

using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using RagnatrampTray.PwshHost;

var iss = InitialSessionState.CreateDefault2();
iss.Commands.Add(new SessionStateCmdletEntry("ConvertTo-Json", typeof(ConvertToJsonCommand), null));
iss.Commands.Add(new SessionStateCmdletEntry("ConvertFrom-Json", typeof(ConvertFromJsonCommand), null));
using var runspace = RunspaceFactory.CreateRunspace(iss);
runspace.Open();

var stdout = Console.Out;
var stderr = Console.Error;

var prelude = Environment.GetEnvironmentVariable("RAGNATRAMP_PWSH_PRELUDE");
if (!string.IsNullOrEmpty(prelude)) Run($". '{prelude.Replace("'", "''")}'");
var mode = Environment.GetEnvironmentVariable("RAGNATRAMP_PWSH_LANGUAGE_MODE");
if (!string.IsNullOrEmpty(mode)) runspace.SessionStateProxy.LanguageMode = Enum.Parse<PSLanguageMode>(mode);

var buffer = new System.Text.StringBuilder();
string? line;
while ((line = Console.In.ReadLine()) != null)
{
    buffer.AppendLine(line);
    Parser.ParseInput(buffer.ToString(), out _, out var errors);
    // powershell -Command - waits for the rest of an incomplete statement (an open brace, a string).
    if (errors.Any(e => e.IncompleteInput)) continue;
    Run(buffer.ToString());
    buffer.Clear();
}
if (buffer.Length > 0) Run(buffer.ToString());
return 0;

void Run(string script)
{
    if (string.IsNullOrWhiteSpace(script)) return;
    using var ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript(script);
    Collection<PSObject> output;
    try
    {
        output = ps.Invoke();
    }
    catch (RuntimeException ex)
    {
        WriteError(ex.ErrorRecord);
        return;
    }
    foreach (var o in output) if (o != null) stdout.WriteLine(o.BaseObject is string s ? s : o.ToString());
    foreach (var e in ps.Streams.Error) WriteError(e);
    stdout.Flush();
    stderr.Flush();
}

// Windows PowerShell 5.1's layout: the message, its position, then the category and the id.
void WriteError(ErrorRecord e)
{
    var position = e.InvocationInfo?.PositionMessage ?? "At line:1 char:1";
    stderr.WriteLine($"{e.Exception.Message}\n{position}\n    + CategoryInfo          : {e.CategoryInfo}\n    + FullyQualifiedErrorId : {e.FullyQualifiedErrorId}\n");
    stderr.Flush();
}
