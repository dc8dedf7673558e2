using System.CommandLine;
using Fleet.Sdk.Config;

namespace Fleet.Cli.Config;

/// <summary>
/// <c>fleet config migrate LEGACY_FILES... -o DIR</c>: writes the unified <c>fleet.yaml</c> and one
/// <c>overrides/{machine}.yaml</c> per machine, then loads what it wrote and checks it resolves to
/// the same agents, ports and dependencies as the input.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var inputs = new ConfigInputs();
        var output = new Option<string>("--output", "-o") { Description = "The directory to write fleet.yaml and overrides/ into.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace files that already exist in the output directory." };
        var define = new Option<string[]>("--define") { Description = "NAME=VALUE: declare a variable under 'variables:' in fleet.yaml (for example PORT_OFFSET=0). Repeatable." };

        var command = new Command("migrate", "Convert legacy startup_config.yaml files (agent_groups, pc2_services) to the unified fleet.yaml plus overrides/{machine}.yaml.");
        inputs.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(force);
        command.Options.Add(define);
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var directory = parse.GetValue(output)!;
            var options = inputs.ToLoadOptions(parse);
            var defines = ParseDefines(parse.GetValue(define) ?? []);

            FleetMigrationResult migration;
            try
            {
                migration = FleetTopologyMigrator.Migrate(options, defines);
            }
            catch (FleetConfigurationException ex) when (ex.Errors.Count == 0)
            {
                stderr.WriteLine($"error: {ex.Message}");
                return ExitCodes.Problems;
            }
            catch (FleetConfigurationException ex)
            {
                ConfigOutput.WriteLoadErrors(stdout, stderr, ex, asJson: false);
                return ExitCodes.UsageError;
            }

            var written = migration.WriteTo(directory, parse.GetValue(force));
            foreach (var path in written)
            {
                stdout.WriteLine($"wrote {path}");
            }

            var check = new FleetTopologyLoadOptions
            {
                Environment = options.Environment,
                LoadDotEnv = options.LoadDotEnv,
            };
            foreach (var envFile in options.EnvFiles)
            {
                check.EnvFiles.Add(envFile);
            }

            check.Sources.Add(new FleetTopologySource(Path.Combine(directory, FleetTopologyMigrator.TopologyFileName)));
            var migrated = ConfigInputs.Load(check);
            var differences = FleetTopologyMigrator.Compare(migration.Input.Topology, migrated.Topology);
            if (differences.Count > 0)
            {
                stderr.WriteLine("error: the migrated topology does not resolve to the same agents as the input:");
                foreach (var difference in differences)
                {
                    stderr.WriteLine("  " + difference);
                }

                return ExitCodes.Problems;
            }

            stdout.WriteLine($"checked: {migrated.Topology.Agents.Count} agents on {migrated.Topology.Machines.Count} machines resolve to the same machines, ports, health ports, flags and dependencies as the input.");
            var carried = migration.Input.Diagnostics.Count;
            stdout.WriteLine(carried == 0
                ? defines.Count == 0 ? "the input validates clean, and so does the output." : "with the --define variables the input validates clean, and so does the output."
                : $"the input has {carried} validation finding(s), carried over unchanged: run 'fleet config validate {Path.Combine(directory, FleetTopologyMigrator.TopologyFileName)}' and fix them there.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Dictionary<string, string> ParseDefines(string[] defines)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in defines)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !DotEnvFile.IsValidName(pair[..equals]))
            {
                throw new CliException($"--define '{pair}' is not NAME=VALUE with a variable name (for example --define PORT_OFFSET=0).");
            }

            values[pair[..equals]] = pair[(equals + 1)..];
        }

        return values;
    }
}
