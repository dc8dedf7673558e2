namespace Fleet.Sdk.Discovery;

/// <summary>One running instance of a service, as registered and as resolved.</summary>
public sealed record ServiceInstance
{
    /// <summary>Gets the service name, for example <c>ModelManagerSuite</c>.</summary>
    public required string ServiceName { get; init; }

    /// <summary>Gets the instance id, unique within the service, for example <c>mainpc-1</c>.</summary>
    public required string InstanceId { get; init; }

    /// <summary>Gets the machine the instance runs on, for example <c>mainpc</c>.</summary>
    public required string Machine { get; init; }

    /// <summary>Gets the endpoints by kind: <c>rpc</c> (<c>tcp://10.0.0.5:7200</c>), <c>health</c>, <c>events</c>...</summary>
    public IReadOnlyDictionary<string, string> Endpoints { get; init; } = EmptyMap;

    /// <summary>Gets the instance's version, if it says.</summary>
    public string? Version { get; init; }

    /// <summary>Gets free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMap;

    /// <summary>Gets the instance's health as it reported it.</summary>
    public InstanceHealth Health { get; init; } = InstanceHealth.Passing;

    /// <summary>Gets when the registry last heard from the instance (registry clock), when known.</summary>
    public DateTimeOffset? LastHeartbeat { get; init; }

    /// <summary>Gets the endpoint of a kind.</summary>
    /// <param name="kind">The kind, for example <c>rpc</c>.</param>
    /// <returns>The endpoint, or <see langword="null"/> when the instance has none of that kind.</returns>
    public string? Endpoint(string kind) => Endpoints.TryGetValue(kind, out var endpoint) ? endpoint : null;

    /// <inheritdoc />
    public override string ToString() => $"{ServiceName}/{InstanceId}@{Machine} ({Health})";

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();
}
