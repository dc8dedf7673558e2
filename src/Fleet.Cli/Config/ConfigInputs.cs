using System.CommandLine;
using Fleet.Sdk.Config;

namespace Fleet.Cli.Config;

/// <summary>
/// The inputs every <c>fleet config</c> command shares: the topology files (or directories, or
/// FLEET_CONFIG_DIR), .env files, legacy machine assignments, and whether the process environment
/// and the machine overrides count.
/// </summary>
internal sealed class ConfigInputs
{
    public Argument<string[]> Files { get; } = new("files")
    {
        Description = "Topology files (unified fleet.yaml, or legacy startup_config.yaml), or directories holding one. " +
                      "Default: the directory named by FLEET_CONFIG_DIR (legacy CONFIG_DIR).",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string[]> EnvFiles { get; } = new("--env-file")
    {
        Description = "A .env file of variables for interpolation (repeatable); read after the environment, before the .env beside each topology file.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> IgnoreEnvironment { get; } = new("--ignore-environment")
    {
        Description = "Do not read this process's environment: only .env files and the topology's variables (to check another machine's configuration).",
    };

    public Option<bool> NoOverrides { get; } = new("--no-overrides")
    {
        Description = "Do not apply overrides/{machine}.yaml beside the topology files.",
    };

    public Option<string[]> LegacyMachines { get; } = new("--legacy-machine")
    {
        Description = "FILE=MACHINE: the machine a legacy file describes, instead of mainpc (agent_groups) or pc2 (pc2_services). Repeatable.",
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Files);
        command.Options.Add(EnvFiles);
        command.Options.Add(IgnoreEnvironment);
        command.Options.Add(NoOverrides);
        command.Options.Add(LegacyMachines);
    }

    /// <summary>Builds the loader's options from the command line; usage problems throw a <see cref="CliException"/> (exit 2).</summary>
    public FleetTopologyLoadOptions ToLoadOptions(ParseResult parse, string? machine = null)
    {
        var options = new FleetTopologyLoadOptions
        {
            Machine = machine,
            ApplyOverrides = !parse.GetValue(NoOverrides),
            Environment = parse.GetValue(IgnoreEnvironment) ? new DictionaryEnvironmentVariables() : ProcessEnvironmentVariables.Instance,
        };

        foreach (var envFile in parse.GetValue(EnvFiles) ?? [])
        {
            options.EnvFiles.Add(envFile);
        }

        var assignments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in parse.GetValue(LegacyMachines) ?? [])
        {
            var equals = assignment.LastIndexOf('=');
            if (equals <= 0 || equals == assignment.Length - 1)
            {
                throw new CliException($"--legacy-machine '{assignment}' is not FILE=MACHINE (for example --legacy-machine pc3/startup_config.yaml=pc3).");
            }

            assignments[Path.GetFullPath(assignment[..equals])] = assignment[(equals + 1)..];
        }

        foreach (var file in ResolveFiles(parse.GetValue(Files) ?? []))
        {
            options.Sources.Add(new FleetTopologySource(file) { Machine = assignments.GetValueOrDefault(Path.GetFullPath(file)) });
        }

        return options;
    }

    private static List<string> ResolveFiles(string[] given)
    {
        var inputs = given.ToList();
        if (inputs.Count == 0)
        {
            var configDirectory = LegacyEnvironmentAliases.ConfigDirectory.Read(ProcessEnvironmentVariables.Instance);
            if (configDirectory.IsConflict)
            {
                throw new CliException(configDirectory.Conflict!);
            }

            if (!configDirectory.HasValue)
            {
                throw new CliException("no topology file given: name the files (fleet.yaml, or the legacy startup_config.yaml files), " +
                                       "or set FLEET_CONFIG_DIR (legacy CONFIG_DIR) to the directory that holds them.");
            }

            inputs.Add(configDirectory.Value!);
        }

        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (!Directory.Exists(input))
            {
                files.Add(input);
                continue;
            }

            files.Add(FleetTopologyLoader.FindTopologyFile(input) ?? throw ConfigLoadException.At(input,
                $"holds no topology file: expected one of {string.Join(", ", FleetTopologySchema.DefaultFileNames)}; name the file instead."));
        }

        return files;
    }

    /// <summary>Loads the topology, turning a load failure into exit code 2 with every located problem.</summary>
    public static FleetTopologyLoadResult Load(FleetTopologyLoadOptions options)
    {
        try
        {
            return FleetTopologyLoader.Load(options);
        }
        catch (FleetConfigurationException ex)
        {
            throw new ConfigLoadException(ex);
        }
    }
}

/// <summary>The topology could not be loaded: exit code 2, with every problem (as JSON when asked).</summary>
internal sealed class ConfigLoadException(FleetConfigurationException inner)
    : Exception(inner.Message, inner)
{
    public FleetConfigurationException Failure { get; } = inner;

    /// <summary>One problem with an input the command was given (a file or directory), reported like a load error.</summary>
    public static ConfigLoadException At(string input, string problem)
    {
        var error = new FleetConfigurationError(SourceLocation.Of(input), problem);
        return new ConfigLoadException(new FleetConfigurationException(error.ToString(), [error], []));
    }
}
