using System.CommandLine;
using System.Text;
using System.Text.Json;
using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;

namespace Fleet.Cli.Config;

/// <summary>
/// <c>fleet config show --machine NAME</c>: the configuration one machine's agents really get, after
/// every layer (topology, overrides/{machine}.yaml, .env, environment, --set), as YAML or JSON.
/// </summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var inputs = new ConfigInputs();
        var machine = new Option<string>("--machine") { Description = "The machine whose configuration to show.", Required = true };
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json");
        var set = new Option<string[]>("--set") { Description = "KEY=VALUE: a command-line configuration value, for example Fleet:Topology:Agents:CacheManager:Port=7300. Repeatable." };

        var command = new Command("show", "Show one machine's effective configuration: topology, its override, .env, environment (FLEET__...) and --set values, resolved.");
        inputs.AddTo(command);
        command.Options.Add(machine);
        command.Options.Add(format);
        command.Options.Add(set);
        command.SetAction(parse =>
        {
            var name = parse.GetValue(machine)!;
            var asJson = parse.GetValue(format) == "json";
            var loadOptions = inputs.ToLoadOptions(parse, name);
            var overrides = ParseSets(parse.GetValue(set) ?? []);

            var builder = new ConfigurationBuilder().AddFleetTopology(s =>
            {
                s.LoadOptions = loadOptions;
                s.ReloadOnChange = false;
            });
            if (loadOptions.EnvFiles.Count > 0)
            {
                var dotEnv = new DotEnvConfigurationSource();
                foreach (var file in loadOptions.EnvFiles)
                {
                    dotEnv.Files.Add(file);
                }

                builder.Add(dotEnv);
            }

            if (!parse.GetValue(inputs.IgnoreEnvironment))
            {
                builder.AddEnvironmentVariables();
            }

            builder.AddInMemoryCollection(overrides);

            IConfigurationRoot configuration;
            try
            {
                configuration = builder.Build();
            }
            catch (FleetConfigurationException ex) when (ex.Diagnostics.Count > 0)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Problems;
            }
            catch (FleetConfigurationException ex)
            {
                ConfigOutput.WriteLoadErrors(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ex, asJson);
                return ExitCodes.UsageError;
            }

            FleetTopologyLoadResult layered;
            try
            {
                layered = FleetTopologyLoader.LoadFromConfiguration(configuration);
            }
            catch (FleetConfigurationException ex)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: once every layer is applied, {ex.Message}");
                return ExitCodes.Problems;
            }

            var problems = layered.Diagnostics.Where(d => d.Severity == FleetDiagnosticSeverity.Error).ToList();
            if (problems.Count > 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: the configuration is invalid once every layer is applied:");
                foreach (var problem in problems)
                {
                    parse.InvocationConfiguration.Error.WriteLine("  " + problem);
                }

                return ExitCodes.Problems;
            }

            var topology = layered.Topology;
            if (!topology.TryGetMachine(name, out _))
            {
                throw new CliException($"machine '{name}' is not in the topology; its machines are: {string.Join(", ", topology.Machines.Select(m => m.Name))}.");
            }

            var sources = string.Join(", ", loadOptions.Sources.Select(s => s.Path));
            var header = new[]
            {
                $"Effective configuration of machine {name}: {sources}, overrides/{name}.yaml, .env, " +
                $"{(parse.GetValue(inputs.IgnoreEnvironment) ? "no process environment" : "the environment")}, --set.",
            };
            var tree = FleetTopologyWriter.ToTree(topology, name);
            var output = parse.InvocationConfiguration.Output;
            if (asJson)
            {
                using var stream = new MemoryStream();
                using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    WriteJson(json, tree);
                }

                output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                output.Write(FleetTopologyWriter.ToYaml(topology, name, header));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Dictionary<string, string?> ParseSets(string[] sets)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in sets)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"--set '{pair}' is not KEY=VALUE (for example --set Fleet:Topology:Agents:CacheManager:Port=7300).");
            }

            values[pair[..equals]] = pair[(equals + 1)..];
        }

        return values;
    }

    internal static void WriteJson(Utf8JsonWriter json, FleetValue value)
    {
        switch (value)
        {
            case FleetMapping mapping:
                json.WriteStartObject();
                foreach (var entry in mapping.Entries)
                {
                    json.WritePropertyName(entry.Key);
                    WriteJson(json, entry.Value);
                }

                json.WriteEndObject();
                break;
            case FleetSequence sequence:
                json.WriteStartArray();
                foreach (var item in sequence.Items)
                {
                    WriteJson(json, item);
                }

                json.WriteEndArray();
                break;
            case FleetScalar { Value: null }:
                json.WriteNullValue();
                break;
            case FleetScalar { Style: FleetScalarStyle.Plain, Value: "true" or "false" } flag:
                json.WriteBooleanValue(flag.Value == "true");
                break;
            case FleetScalar { Style: FleetScalarStyle.Plain } number when decimal.TryParse(number.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed):
                json.WriteNumberValue(parsed);
                break;
            case FleetScalar scalar:
                json.WriteStringValue(scalar.Value);
                break;
        }
    }
}
