namespace Fleet.Sdk.PathManager;

/// <summary>One resolved location.</summary>
/// <param name="Name">The location's name, lower case for built-in ones.</param>
/// <param name="Path">The absolute, normalized directory.</param>
/// <param name="Source">Which layer supplied the value.</param>
/// <param name="SourceName">The exact origin: the variable or key name, for example <c>FLEET_MODELS_DIR</c> or <c>Fleet:Paths:Models</c>.</param>
/// <param name="Writable">Whether the agent writes there (checked at start-up).</param>
public sealed record FleetPathInfo(string Name, string Path, FleetPathSource Source, string SourceName, bool Writable)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name} = {Path} ({SourceName}{(Writable ? ", writable" : string.Empty)})";
}
