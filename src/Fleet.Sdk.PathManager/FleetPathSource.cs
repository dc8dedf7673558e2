namespace Fleet.Sdk.PathManager;

/// <summary>The layer a location's value came from, highest precedence first.</summary>
public enum FleetPathSource
{
    /// <summary>Set in code through <see cref="FleetPathsOptions"/>.</summary>
    Code,

    /// <summary>Set by <c>FLEET_&lt;NAME&gt;_DIR</c> or one of its legacy aliases.</summary>
    Environment,

    /// <summary>Set by the configuration key <c>Fleet:Paths:&lt;Name&gt;</c>.</summary>
    Configuration,

    /// <summary>The location's default, relative to the root (the root's: the content root).</summary>
    Default,
}
