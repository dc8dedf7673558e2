namespace Fleet.Sdk.Logging;

/// <summary>Console sink settings (<c>Fleet:Logging:Console</c>).</summary>
public sealed class FleetConsoleLogOptions
{
    /// <summary>Gets or sets a value indicating whether events go to standard output.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the console format.</summary>
    /// <value>The default value is <see cref="FleetConsoleFormat.Auto"/>.</value>
    public FleetConsoleFormat Format { get; set; } = FleetConsoleFormat.Auto;
}
