namespace Fleet.Sdk.Discovery;

/// <summary>How a resolution picks one instance.</summary>
public enum EndpointSelection
{
    /// <summary>Round robin over the instances on this machine, or over all when none is local.</summary>
    PreferSameMachine,

    /// <summary>Round robin over all healthy instances.</summary>
    RoundRobin,

    /// <summary>The instance whose last reported failure is oldest (never failed first).</summary>
    LeastRecentlyFailed,
}
