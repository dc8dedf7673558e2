using Fleet.Sdk.Config;

namespace Fleet.Cli.Deploy;

/// <summary>What a render needs besides the topology.</summary>
internal sealed record DeployPlanOptions
{
    public required string Machine { get; init; }

    /// <summary>Gets the address to publish on, instead of the machine's <c>host</c>.</summary>
    public string? Address { get; init; }

    /// <summary>Gets the image of agents that name neither <c>image:</c> nor <c>build:</c> (the legacy agents' shared image).</summary>
    public string? DefaultImage { get; init; }

    /// <summary>Gets the image that holds the <c>fleet</c> tool, for the bridge.</summary>
    public string ToolImage { get; init; } = "fleet-cli:latest";

    /// <summary>Gets where systemd finds the agents' published binaries (<c>DIR/AGENT/AGENT</c>, <c>DIR/app/SCRIPT</c>, <c>DIR/fleet/fleet</c>).</summary>
    public string InstallDirectory { get; init; } = "/opt/fleet";

    /// <summary>Gets the format the render is for (compose or systemd): where services find their secrets.</summary>
    public string Format { get; init; } = "compose";

    /// <summary>Gets the directory on the machine holding the secret files the operator provides (TLS files, password includes).</summary>
    public string SecretsDirectory { get; init; } = "/etc/fleet/secrets";

    /// <summary>Gets a value indicating whether coordination servers may span machines without TLS and a password (<c>--insecure-coordination</c>).</summary>
    public bool InsecureCoordination { get; init; }

    /// <summary>Gets the environment the topology was read with (for the values of the variables it uses).</summary>
    public IEnvironmentVariables Environment { get; init; } = new DictionaryEnvironmentVariables();
}
