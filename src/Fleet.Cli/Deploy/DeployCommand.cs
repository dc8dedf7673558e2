using System.CommandLine;
using Fleet.Cli.Config;
using Fleet.Sdk.Config;

namespace Fleet.Cli.Deploy;

/// <summary>
/// <c>fleet deploy render</c> and <c>fleet deploy diff</c>: from the topology (read as <c>fleet config
/// validate</c> reads it: overrides, .env and environment included) to what one machine runs.
/// </summary>
internal static class DeployCommand
{
    public static Command Create()
    {
        var deploy = new Command("deploy", "Render what one machine runs (compose.yaml or systemd units, .env, README) from the topology, and show drift.");
        deploy.Subcommands.Add(CreateRender());
        deploy.Subcommands.Add(CreateDiff());
        return deploy;
    }

    private sealed class Inputs
    {
        public ConfigInputs Config { get; } = new();

        public Option<string> Machine { get; } = new("--machine") { Description = "The machine to render.", Required = true };

        public Option<string> Out { get; } = new("--out") { Description = "The directory of the machine's render.", Required = true };

        public Option<string> Format { get; } = new("--format") { Description = "compose (one compose.yaml) or systemd (one unit per service).", DefaultValueFactory = _ => "compose" };

        public Option<string?> Address { get; } = new("--address") { Description = "The address to publish ports on, instead of the machine's host (never 0.0.0.0)." };

        public Option<string?> DefaultImage { get; } = new("--default-image") { Description = "The image of agents that name neither image: nor build: (for example the legacy Python agents' image)." };

        public Option<string> ToolImage { get; } = new("--tool-image") { Description = "The image holding the fleet tool, for the bridge.", DefaultValueFactory = _ => "fleet-cli:latest" };

        public Option<string> InstallDirectory { get; } = new("--install-dir") { Description = "systemd: where agents are installed (DIR/AGENT/AGENT, DIR/app/SCRIPT, DIR/fleet/fleet).", DefaultValueFactory = _ => "/opt/fleet" };

        public Option<string> SecretsDirectory { get; } = new("--secrets-dir") { Description = "Where the machine keeps the secret files coordination servers read (TLS certificate, key, CA, password includes).", DefaultValueFactory = _ => "/etc/fleet/secrets" };

        public Option<bool> InsecureCoordination { get; } = new(DeployPlanner.InsecureOption) { Description = "Render coordination servers that span machines without TLS or a password (plain text across the network; the machine README warns)." };

        public void AddTo(Command command)
        {
            Config.AddTo(command);
            Format.AcceptOnlyFromAmong("compose", "systemd");
            foreach (var option in new Option[] { Machine, Out, Format, Address, DefaultImage, ToolImage, InstallDirectory, SecretsDirectory, InsecureCoordination })
            {
                command.Options.Add(option);
            }
        }

        /// <summary>Loads, plans and renders in memory: file name to content.</summary>
        public (DeployMachine Machine, string Format, Dictionary<string, string> Files) Render(ParseResult parse)
        {
            var machineName = parse.GetValue(Machine)!;
            var loadOptions = Config.ToLoadOptions(parse, machineName);
            var result = ConfigInputs.Load(loadOptions);
            var plan = DeployPlanner.Plan(result, new DeployPlanOptions
            {
                Machine = machineName,
                Address = parse.GetValue(Address),
                DefaultImage = parse.GetValue(DefaultImage),
                ToolImage = parse.GetValue(ToolImage)!,
                InstallDirectory = parse.GetValue(InstallDirectory)!,
                Environment = loadOptions.Environment,
                Format = parse.GetValue(Format)!,
                SecretsDirectory = parse.GetValue(SecretsDirectory)!,
                InsecureCoordination = parse.GetValue(InsecureCoordination),
            });
            var format = parse.GetValue(Format)!;
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            if (format == "compose")
            {
                files["compose.yaml"] = ComposeRenderer.Render(plan);
            }
            else
            {
                foreach (var (name, unit) in SystemdRenderer.Render(plan))
                {
                    files[name] = unit;
                }
            }

            foreach (var (name, content) in plan.Services.SelectMany(s => s.ConfigFiles))
            {
                files[name] = content;
            }

            files[".env"] = MachineFiles.DotEnv(plan);
            files["README.md"] = MachineFiles.Readme(plan, format);
            files[MachineFiles.ManifestName] = MachineFiles.Manifest(plan, format, files);
            return (plan, format, files);
        }
    }

    private static Command CreateRender()
    {
        var inputs = new Inputs();
        var command = new Command("render", "Write what one machine runs into --out: compose.yaml or systemd units, .env, README.md. The render it replaces moves to previous/ (rollback). Exit 1 when refused.");
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            var (plan, format, files) = inputs.Render(parse);
            var directory = Path.GetFullPath(parse.GetValue(inputs.Out)!);
            Directory.CreateDirectory(directory);
            var manifest = Path.Combine(directory, MachineFiles.ManifestName);
            if (File.Exists(manifest))
            {
                KeepPrevious(directory);
            }

            foreach (var (name, content) in files.Where(f => f.Key != MachineFiles.ManifestName).Append(new(MachineFiles.ManifestName, files[MachineFiles.ManifestName])))
            {
                var path = Path.Combine(directory, name);
                var temporary = path + ".tmp";
                File.WriteAllText(temporary, content);
                File.Move(temporary, path, overwrite: true);
            }

            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"rendered machine {plan.Name} ({plan.Address}) as {format}: {plan.Services.Count} services, {files.Count} files in {directory}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateDiff()
    {
        var inputs = new Inputs();
        var command = new Command("diff", "Compare what a render would write with the render in --out: services added, removed, or whose ports or image change. Exit 0 when nothing changes, 1 when something does.");
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            var (plan, _, files) = inputs.Render(parse);
            var directory = Path.GetFullPath(parse.GetValue(inputs.Out)!);
            var manifest = Path.Combine(directory, MachineFiles.ManifestName);
            var output = parse.InvocationConfiguration.Output;
            IReadOnlyList<RenderedService> before = [];
            if (File.Exists(manifest))
            {
                try
                {
                    before = DeployDiff.ReadManifest(File.ReadAllText(manifest));
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new CliException($"{manifest}: not a manifest written by fleet deploy render ({ex.Message}); render into an empty directory, or delete it.");
                }
            }
            else
            {
                output.WriteLine($"{directory} holds no render ({MachineFiles.ManifestName}): every service would be added.");
            }

            var after = DeployDiff.ReadManifest(files[MachineFiles.ManifestName]);
            var lines = DeployDiff.Compare(before, after);
            foreach (var (name, content) in files.Where(f => f.Key != MachineFiles.ManifestName).OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var path = Path.Combine(directory, name);
                if (!File.Exists(path))
                {
                    lines.Add($"  file {name}: new");
                }
                else if (!string.Equals(File.ReadAllText(path), content, StringComparison.Ordinal))
                {
                    lines.Add($"  file {name}: changes");
                }
            }

            foreach (var line in lines)
            {
                output.WriteLine(line);
            }

            output.WriteLine(lines.Count == 0 ? $"machine {plan.Name}: no changes" : $"machine {plan.Name}: {lines.Count} change(s)");
            return lines.Count == 0 ? ExitCodes.Success : ExitCodes.Problems;
        });
        return command;
    }

    private static void KeepPrevious(string directory)
    {
        var previous = Path.Combine(directory, "previous");
        if (Directory.Exists(previous))
        {
            Directory.Delete(previous, recursive: true);
        }

        Directory.CreateDirectory(previous);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            File.Copy(file, Path.Combine(previous, Path.GetFileName(file)));
        }

        // What the old render wrote must not stay beside the new one (units of dropped services, the
        // compose.yaml of a render that is now systemd); files the render did not write are left alone.
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, MachineFiles.ManifestName)));
        if (manifest.RootElement.TryGetProperty("files", out var files))
        {
            foreach (var name in files.EnumerateArray().Select(f => f.GetString()).OfType<string>())
            {
                var path = Path.Combine(directory, Path.GetFileName(name));
                if (File.Exists(path))
                {
                    File.Delete(path);
                }
            }
        }
    }
}
