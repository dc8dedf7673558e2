namespace Fleet.Sdk.Discovery;

/// <summary>Discovery settings (<c>Fleet:Discovery</c>).</summary>
public sealed class FleetDiscoveryOptions
{
    /// <summary>Gets or sets which registry to use.</summary>
    /// <value>The default value is <see cref="DiscoveryProviderKind.Auto"/>: the coordination engine's registry with the static topology as fallback when <c>Fleet:Coordination</c> names servers, otherwise the static topology.</value>
    public DiscoveryProviderKind Provider { get; set; } = DiscoveryProviderKind.Auto;

    /// <summary>Gets or sets the machine this agent runs on, written in its registration and used by <see cref="EndpointSelection.PreferSameMachine"/>.</summary>
    /// <value>The default value is <see langword="null"/>: the fleet identity's machine (<c>Fleet:Machine:Name</c>, <c>Fleet:Agent:Machine</c>, else the host name; see <c>FleetIdentity</c>).</value>
    public string? Machine { get; set; }

    /// <summary>Gets or sets how long a registration lives without a heartbeat.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan Ttl { get; set; } = DiscoveryConstants.DefaultTtl;

    /// <summary>Gets or sets how often a registration is renewed (a full re-registration, so a registry that lost its data is whole again within one heartbeat).</summary>
    /// <value>The default value is <see langword="null"/>: a third of <see cref="Ttl"/>.</value>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>Gets or sets how often cached views are refreshed when no change notification arrives (the fallback when pub/sub is down).</summary>
    /// <value>The default value is <see langword="null"/>: the heartbeat interval, so a dead instance leaves every view within TTL plus one heartbeat.</value>
    public TimeSpan? RefreshInterval { get; set; }

    /// <summary>Gets or sets the longest a resolution waits for the registry when it has no cached view.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan ResolveTimeout { get; set; } = DiscoveryConstants.DefaultResolveTimeout;

    /// <summary>Gets or sets how long the last known view is served, marked stale, while the registry cannot be reached.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan MaxStaleness { get; set; } = DiscoveryConstants.DefaultMaxStaleness;

    /// <summary>Gets or sets how an instance is chosen among the healthy ones.</summary>
    /// <value>The default value is <see cref="EndpointSelection.PreferSameMachine"/>.</value>
    public EndpointSelection Selection { get; set; } = EndpointSelection.PreferSameMachine;

    internal TimeSpan EffectiveHeartbeat => HeartbeatInterval ?? Ttl / 3;

    internal TimeSpan EffectiveRefresh => RefreshInterval ?? EffectiveHeartbeat;
}
