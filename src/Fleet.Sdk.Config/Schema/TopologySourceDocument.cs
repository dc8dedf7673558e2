namespace Fleet.Sdk.Config;

/// <summary>One topology file read and converted to the unified schema's tree, with the agents it defined twice.</summary>
internal sealed class TopologySourceDocument
{
    public required string Path { get; init; }

    public required FleetTopologySchemaKind Schema { get; init; }

    /// <summary>Gets the file as a unified-schema tree (legacy files converted); locations still point into the file.</summary>
    public required FleetMapping Tree { get; set; }

    /// <summary>Gets the agent definitions that repeat a name already defined in this file (the first is in <see cref="Tree"/>).</summary>
    public List<ShadowAgent> Shadows { get; } = [];
}

/// <summary>An agent definition that lost to an earlier one with the same name.</summary>
internal sealed class ShadowAgent
{
    public required string Name { get; init; }

    public required FleetMapping Definition { get; set; }

    public required string File { get; init; }

    public required SourceLocation KeyLocation { get; init; }
}
