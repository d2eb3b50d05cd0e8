// ConvertTo-Json and ConvertFrom-Json for the test host, after PowerShell 7's (Newtonsoft.Json,
// which PowerShell 7 itself uses): one pipeline item gives a bare value, several an array,
// -InputObject @(…) an array; enums become numbers; objects deeper than -Depth (default 2)
// become their string form; -Compress prints one line; non-ASCII characters are not escaped.

using System.Collections;
using System.Management.Automation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace RagnatrampTray.PwshHost;

[Cmdlet(VerbsData.ConvertTo, "Json")]
public sealed class ConvertToJsonCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public object? InputObject { get; set; }

    [Parameter] public int Depth { get; set; } = 2;
    [Parameter] public SwitchParameter Compress { get; set; }

    private readonly List<object?> items = new();

    protected override void ProcessRecord() => items.Add(InputObject);

    protected override void EndProcessing()
    {
        if (items.Count == 0) return;
        var value = items.Count == 1 ? items[0] : items.ToArray();
        var token = ToToken(value, 0);
        WriteObject(token.ToString(Compress ? Formatting.None : Formatting.Indented));
    }

    private JToken ToToken(object? value, int depth)
    {
        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject) return ObjectToken(pso.Properties.Select(p => (p.Name, (object?)p.Value)), depth);
            value = pso.BaseObject;
        }
        switch (value)
        {
            case null: return JValue.CreateNull();
            case string s: return new JValue(s);
            case char c: return new JValue(c.ToString());
            case bool b: return new JValue(b);
            case Enum e: return new JValue(Convert.ToInt64(e));
            case int or long or short or byte or uint or ulong or ushort or sbyte: return new JValue(Convert.ToInt64(value));
            case double or float or decimal: return new JValue(Convert.ToDouble(value));
            case Guid g: return new JValue(g.ToString());
            case DateTime d: return new JValue(d);
        }
        if (depth >= Depth) return new JValue(value.ToString());
        if (value is IDictionary dict) return ObjectToken(dict.Keys.Cast<object>().Select(k => (k.ToString() ?? "", dict[k])), depth);
        if (value is IEnumerable list) return new JArray(list.Cast<object?>().Select(v => ToToken(v, depth + 1)));
        return ObjectToken(PSObject.AsPSObject(value).Properties.Select(p => (p.Name, SafeValue(p))), depth);
    }

    private JObject ObjectToken(IEnumerable<(string Name, object? Value)> properties, int depth)
    {
        var o = new JObject();
        foreach (var (name, v) in properties) o[name] = depth + 1 > Depth && v is not null && !IsScalar(v) ? new JValue(v.ToString()) : ToToken(v, depth + 1);
        return o;
    }

    private static bool IsScalar(object v)
    {
        var b = v is PSObject p ? p.BaseObject : v;
        return b is string or bool or char or Enum or Guid or DateTime || b.GetType().IsPrimitive || b is decimal;
    }

    private static object? SafeValue(PSPropertyInfo p)
    {
        try { return p.Value; } catch { return null; }
    }
}

[Cmdlet(VerbsData.ConvertFrom, "Json")]
public sealed class ConvertFromJsonCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string InputObject { get; set; } = "";

    private readonly System.Text.StringBuilder text = new();

    protected override void ProcessRecord() => text.AppendLine(InputObject);

    protected override void EndProcessing()
    {
        JToken token;
        try
        {
            token = JToken.Parse(text.ToString());
        }
        catch (JsonException ex)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"Conversion from JSON failed with error: {ex.Message}", ex), "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand", ErrorCategory.NotSpecified, InputObject));
            return;
        }
        var value = FromToken(token);
        WriteObject(value, enumerateCollection: true);
    }

    private static object? FromToken(JToken token) => token switch
    {
        JObject o => ToPso(o),
        JArray a => a.Select(FromToken).ToArray(),
        JValue { Type: JTokenType.Integer } v => Convert.ToInt64(v.Value),
        JValue v => v.Value,
        _ => null,
    };

    private static PSObject ToPso(JObject o)
    {
        var pso = new PSObject();
        foreach (var p in o.Properties()) pso.Properties.Add(new PSNoteProperty(p.Name, FromToken(p.Value)));
        return pso;
    }
}
