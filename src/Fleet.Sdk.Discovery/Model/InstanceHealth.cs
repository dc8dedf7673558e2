namespace Fleet.Sdk.Discovery;

/// <summary>An instance's health, in Consul's terms.</summary>
public enum InstanceHealth
{
    /// <summary>Healthy: resolved and preferred.</summary>
    Passing,

    /// <summary>Degraded but serving: resolved, after every passing instance.</summary>
    Warning,

    /// <summary>Not serving: never resolved.</summary>
    Critical,
}
