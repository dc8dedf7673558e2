namespace Fleet.Sdk.Coordination;

/// <summary>Where the fleet's shared state lives (<c>Fleet:Coordination</c>).</summary>
public sealed class FleetCoordinationOptions
{
    /// <summary>Gets or sets the engine.</summary>
    /// <value>The default value is <see cref="CoordinationEngine.Auto"/>: chosen by which servers are configured.</value>
    public CoordinationEngine Engine { get; set; } = CoordinationEngine.Auto;

    /// <summary>Gets or sets the fleet's name; every key, subject, stream and bucket carries it, so fleets can share servers.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string FleetName { get; set; } = "default";

    /// <summary>Gets the Redis settings (<c>Fleet:Coordination:Redis</c>).</summary>
    public RedisCoordinationOptions Redis { get; } = new();

    /// <summary>Gets the NATS settings (<c>Fleet:Coordination:Nats</c>).</summary>
    public NatsCoordinationOptions Nats { get; } = new();

    /// <summary>Gets the engine <see cref="Engine"/> stands for: <see cref="CoordinationEngine.Auto"/> resolved by the servers configured.</summary>
    public CoordinationEngine EffectiveEngine => Engine != CoordinationEngine.Auto
        ? Engine
        : Redis.IsConfigured ? CoordinationEngine.Redis
        : Nats.IsConfigured ? CoordinationEngine.Nats
        : CoordinationEngine.InProcess;

    /// <summary>Gets the legacy keys (<c>Fleet:Discovery:Redis:*</c>) this configuration was read from, for the start-up warning.</summary>
    internal List<(string Legacy, string Current)> LegacyKeysUsed { get; } = [];
}
