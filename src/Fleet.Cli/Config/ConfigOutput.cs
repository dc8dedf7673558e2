using System.Text;
using System.Text.Json;
using Fleet.Sdk.Config;

namespace Fleet.Cli.Config;

/// <summary>Writes diagnostics and load errors as text (one finding per line, details indented) or JSON.</summary>
internal static class ConfigOutput
{
    public static void WriteText(TextWriter output, FleetTopologyLoadResult result)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            output.WriteLine(diagnostic.ToString());
        }

        output.WriteLine(Summary(result));
    }

    public static string Summary(FleetTopologyLoadResult result)
    {
        var errors = result.Diagnostics.Count(d => d.Severity == FleetDiagnosticSeverity.Error);
        var warnings = result.Diagnostics.Count(d => d.Severity == FleetDiagnosticSeverity.Warning);
        var infos = result.Diagnostics.Count(d => d.Severity == FleetDiagnosticSeverity.Info);
        var topologyFiles = result.Files.Count(f => f.Role == "topology");
        var scope = $"{Plural(result.Topology.Agents.Count, "agent")} on {Plural(result.Topology.Machines.Count, "machine")} from {Plural(topologyFiles, "topology file")}" +
                    (result.Files.Count > topologyFiles ? $" (+{Plural(result.Files.Count - topologyFiles, "override/.env file")})" : string.Empty);
        return result.Diagnostics.Count == 0
            ? $"no problems: {scope}"
            : $"{Plural(errors, "error")}, {Plural(warnings, "warning")}, {Plural(infos, "info")}: {scope}";
    }

    public static void WriteJson(Stream stream, FleetTopologyLoadResult result)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("schema", "fleet-config-validate/v1");
        json.WriteBoolean("ok", result.Diagnostics.Count == 0);
        json.WriteStartObject("summary");
        json.WriteNumber("errors", result.Diagnostics.Count(d => d.Severity == FleetDiagnosticSeverity.Error));
        json.WriteNumber("warnings", result.Diagnostics.Count(d => d.Severity == FleetDiagnosticSeverity.Warning));
        json.WriteNumber("infos", result.Diagnostics.Count(d => d.Severity == FleetDiagnosticSeverity.Info));
        json.WriteNumber("agents", result.Topology.Agents.Count);
        json.WriteNumber("machines", result.Topology.Machines.Count);
        json.WriteEndObject();

        json.WriteStartArray("files");
        foreach (var file in result.Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteString("role", file.Role);
            if (file.Schema is { } schema)
            {
                json.WriteString("schema", schema.ToString());
            }

            if (file.Machine is not null)
            {
                json.WriteString("machine", file.Machine);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("diagnostics");
        foreach (var diagnostic in result.Diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("id", diagnostic.Id);
            json.WriteString("rule", diagnostic.Rule.Name);
            json.WriteString("severity", FleetDiagnostic.SeverityName(diagnostic.Severity));
            json.WriteString("message", diagnostic.Message);
            WriteLocation(json, diagnostic.Location);
            json.WriteStartArray("agents");
            foreach (var agent in diagnostic.Agents)
            {
                json.WriteStringValue(agent);
            }

            json.WriteEndArray();
            json.WriteStartArray("ports");
            foreach (var port in diagnostic.Ports)
            {
                json.WriteNumberValue(port);
            }

            json.WriteEndArray();
            if (diagnostic.Machine is not null)
            {
                json.WriteString("machine", diagnostic.Machine);
            }

            json.WriteString("fix", diagnostic.Fix);
            WriteLocated(json, "related", diagnostic.Related, r => r.Location, "note", r => r.Note);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteLoadErrors(TextWriter output, TextWriter error, FleetConfigurationException failure, bool asJson)
    {
        if (!asJson)
        {
            error.WriteLine($"error: {failure.Message}");
            return;
        }

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("schema", "fleet-config-validate/v1");
            json.WriteBoolean("ok", false);
            WriteLocated(json, "loadErrors", failure.Errors, e => e.Location, "message", e => e.Message);
            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Writes an array of objects that each have a location and one text property.</summary>
    private static void WriteLocated<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Func<T, SourceLocation> location, string textName, Func<T, string> text)
    {
        json.WriteStartArray(name);
        foreach (var item in items)
        {
            json.WriteStartObject();
            WriteLocation(json, location(item));
            json.WriteString(textName, text(item));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteLocation(Utf8JsonWriter json, SourceLocation location)
    {
        json.WriteString("file", location.Source);
        if (location.Line > 0)
        {
            json.WriteNumber("line", location.Line);
            json.WriteNumber("column", location.Column);
        }
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
