namespace Fleet.Sdk.Config;

/// <summary>
/// The rules that decide whether an agent can be deployed (FLEET060-062): an image or a build
/// context, no Docker socket mount, no secret as a plain environment value. <c>fleet deploy render</c>
/// refuses what they find; <c>fleet config validate</c> reports it earlier.
/// </summary>
public static class DeploymentRules
{
    /// <summary>The agent keys an image or a build context is read from.</summary>
    public static IReadOnlyList<string> SourceKeys { get; } = ["image", "build"];

    private static readonly string[] SecretMarkers = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "PRIVATE_KEY", "API_KEY", "APIKEY", "CREDENTIAL"];

    /// <summary>Whether an environment variable name looks like it holds a secret.</summary>
    /// <param name="name">The variable name.</param>
    /// <returns><see langword="true"/> when it names a password, token, secret or key.</returns>
    public static bool LooksSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.ToUpperInvariant();
        return SecretMarkers.Any(m => upper.Contains(m, StringComparison.Ordinal));
    }

    /// <summary>Whether a volume specification mounts the Docker socket.</summary>
    /// <param name="volume">A volume as written (<c>SOURCE:TARGET[:MODE]</c>).</param>
    /// <returns><see langword="true"/> when it names docker.sock.</returns>
    public static bool IsDockerSocket(string volume) =>
        volume is not null && volume.Contains("docker.sock", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// FLEET060 for the agents of <paramref name="machine"/>: required agents with neither an image nor a
    /// build context. Not part of <see cref="FleetTopologyValidator"/>: an agent run from a script by the
    /// legacy launcher needs no image; only a render needs one.
    /// </summary>
    /// <param name="topology">The topology.</param>
    /// <param name="machine">The machine being deployed.</param>
    /// <returns>One finding per such agent.</returns>
    public static IReadOnlyList<FleetDiagnostic> CheckSources(FleetTopology topology, string machine)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var diagnostics = new List<FleetDiagnostic>();
        foreach (var agent in topology.AgentsOn(machine))
        {
            if (agent.Required && !SourceKeys.Any(k => agent.Extra.TryGetValue(k, out var v) && v is not FleetScalar { IsNull: true }))
            {
                diagnostics.Add(new FleetDiagnostic
                {
                    Rule = FleetRules.NoDeploySource,
                    Message = $"required agent {agent.Name} has neither an image nor a build context",
                    Location = agent.Location,
                    Agents = [agent.Name],
                    Machine = agent.Machine,
                    Fix = $"add 'image: REGISTRY/NAME:TAG' or 'build: DIRECTORY-WITH-A-Dockerfile' to {agent.Name} (or render with --default-image).",
                });
            }
        }

        return diagnostics;
    }

    internal static void Check(FleetTopology topology, List<FleetDiagnostic> diagnostics)
    {
        foreach (var agent in topology.Agents)
        {
            if (agent.Extra.TryGetValue("volumes", out var volumes) && volumes is FleetSequence list)
            {
                foreach (var item in list.Items.OfType<FleetScalar>().Where(i => i.Value is not null && IsDockerSocket(i.Value)))
                {
                    diagnostics.Add(new FleetDiagnostic
                    {
                        Rule = FleetRules.DockerSocketMount,
                        Message = $"agent {agent.Name} mounts the Docker socket ({item.Value}), which gives it root on {agent.Machine}",
                        Location = item.Location,
                        Agents = [agent.Name],
                        Machine = agent.Machine,
                        Fix = "remove the volume; supervise agents with the machine's compose file or systemd units instead of the Docker API.",
                    });
                }
            }

            foreach (var key in new[] { "env", "environment" })
            {
                if (!agent.Extra.TryGetValue(key, out var env) || env is not FleetMapping variables)
                {
                    continue;
                }

                foreach (var entry in variables.Entries.Where(e => LooksSecret(e.Key) && e.Value is FleetScalar { IsNull: false, Value.Length: > 0 }))
                {
                    diagnostics.Add(new FleetDiagnostic
                    {
                        Rule = FleetRules.SecretInEnvironment,
                        Message = $"agent {agent.Name} sets the secret {entry.Key} as a plain environment value",
                        Location = entry.KeyLocation,
                        Agents = [agent.Name],
                        Machine = agent.Machine,
                        Fix = $"move it to a file and name it under 'secrets:' ({entry.Key.ToLowerInvariant()}: /etc/fleet/secrets/{entry.Key.ToLowerInvariant()}); it is mounted as a file, never an environment value.",
                    });
                }
            }
        }
    }
}
