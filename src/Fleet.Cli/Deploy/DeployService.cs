namespace Fleet.Cli.Deploy;

/// <summary>One service of a machine's render: an agent, a coordination server or the bridge.</summary>
internal sealed record DeployService
{
    /// <summary>Gets the name as written in the topology (agents) or chosen by the planner.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the compose service and systemd unit stem: lower case, <c>[a-z0-9-]</c>.</summary>
    public required string Id { get; init; }

    public required DeployServiceKind Kind { get; init; }

    public string? Image { get; init; }

    public string? BuildContext { get; init; }

    /// <summary>Gets the container command (compose) and the arguments after the executable (systemd).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Gets the arguments systemd passes to <see cref="Executable"/>, when they differ from <see cref="Command"/>.</summary>
    public IReadOnlyList<string>? SystemdArguments { get; init; }

    /// <summary>Gets the program systemd starts.</summary>
    public required string Executable { get; init; }

    public IReadOnlyList<DeployPort> Ports { get; init; } = [];

    /// <summary>Gets the port the health check asks <c>/alive</c> on, or <see langword="null"/> for a TCP or command probe.</summary>
    public int? HealthPort { get; init; }

    /// <summary>Gets the container health command for services without an HTTP <c>/alive</c>.</summary>
    public IReadOnlyList<string> HealthCommand { get; init; } = [];

    /// <summary>Gets the ids of the same-machine services it waits for.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Gets the dependencies on other machines, for the README (they are not waited for).</summary>
    public IReadOnlyList<string> RemoteDependencies { get; init; } = [];

    public int? MemoryMib { get; init; }

    public bool Gpu { get; init; }

    public bool ReadOnlyRoot { get; init; } = true;

    public string Restart { get; init; } = "on-failure";

    public IReadOnlyList<DeploySecret> Secrets { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    public IReadOnlyList<string> Volumes { get; init; } = [];

    /// <summary>Gets files written beside the render that the service mounts (a sentinel's configuration).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ConfigFiles { get; init; } = [];

    /// <summary>
    /// Gets a rendered file the service rewrites at run time (a sentinel's configuration) and where it lives then:
    /// under systemd it is copied from the install directory into the state directory on first start.
    /// </summary>
    public (string From, string To)? SystemdSeed { get; init; }
}
