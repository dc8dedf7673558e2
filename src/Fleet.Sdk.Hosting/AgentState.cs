namespace Fleet.Sdk.Hosting;

/// <summary>Where the agent is in its life.</summary>
public enum AgentState
{
    /// <summary>Binding endpoints, registering, waiting for dependencies: not ready.</summary>
    Starting,

    /// <summary>Serving, every dependency available.</summary>
    Ready,

    /// <summary>Serving, but an optional dependency (or, after start-up, a required one) is unavailable.</summary>
    Degraded,

    /// <summary>Refusing new requests and finishing the ones in flight (admin drain or shutdown).</summary>
    Draining,

    /// <summary>Stopped.</summary>
    Stopped,
}
