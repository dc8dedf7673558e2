using System.CommandLine;
using System.Text;
using Fleet.Sdk.Config;

namespace Fleet.Cli.Config;

/// <summary><c>fleet config validate FILES...</c>: every problem of the topology, with its rule id, agents, ports and location.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var inputs = new ConfigInputs();
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var failOn = new Option<string>("--fail-on") { Description = "The lowest severity that makes the command exit 1.", DefaultValueFactory = _ => "warning" };
        failOn.AcceptOnlyFromAmong("error", "warning", "info");

        var command = new Command("validate", "Validate topology files (unified or legacy): exit 0 when clean, 1 when problems are found, 2 when a file cannot be read.");
        inputs.AddTo(command);
        command.Options.Add(format);
        command.Options.Add(failOn);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var asJson = parse.GetValue(format) == "json";
            FleetTopologyLoadResult result;
            try
            {
                result = ConfigInputs.Load(inputs.ToLoadOptions(parse));
            }
            catch (ConfigLoadException ex)
            {
                ConfigOutput.WriteLoadErrors(output, parse.InvocationConfiguration.Error, ex.Failure, asJson);
                return ExitCodes.UsageError;
            }
            catch (CliException ex) when (asJson)
            {
                // Usage problems too (no file given, a bad --legacy-machine): --format json promises JSON on standard output.
                ConfigOutput.WriteLoadErrors(output, parse.InvocationConfiguration.Error,
                    new FleetConfigurationException(ex.Message, [new FleetConfigurationError(default, ex.Message)], []), asJson);
                return ex.ExitCode;
            }

            if (asJson)
            {
                using var stream = new MemoryStream();
                ConfigOutput.WriteJson(stream, result);
                output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                ConfigOutput.WriteText(output, result);
            }

            var threshold = parse.GetValue(failOn) switch
            {
                "error" => FleetDiagnosticSeverity.Error,
                "info" => FleetDiagnosticSeverity.Info,
                _ => FleetDiagnosticSeverity.Warning,
            };
            return result.Diagnostics.Any(d => d.Severity >= threshold) ? ExitCodes.Problems : ExitCodes.Success;
        });
        return command;
    }
}
