namespace Fleet.Cli.Deploy;

/// <summary>What one machine runs: its address, its services in start order, and the variables the topology uses.</summary>
internal sealed record DeployMachine
{
    public required string Name { get; init; }

    public required string Address { get; init; }

    /// <summary>Gets the services, dependencies before dependents.</summary>
    public required IReadOnlyList<DeployService> Services { get; init; }

    /// <summary>Gets every variable the topology files use, with its value, by name.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Variables { get; init; }

    /// <summary>Gets a value indicating whether the render was told to place coordination servers across machines insecurely.</summary>
    public bool InsecureCoordination { get; init; }

    /// <summary>Gets the topology files the render comes from.</summary>
    public required IReadOnlyList<string> Sources { get; init; }
}
