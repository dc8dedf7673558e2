namespace Fleet.Sdk.Discovery;

/// <summary>What changed about a service.</summary>
/// <param name="ServiceName">The service.</param>
/// <param name="Instances">Its healthy instances after the change.</param>
/// <param name="Added">Instances that appeared.</param>
/// <param name="Removed">Instances that disappeared (deregistered, expired, or turned critical).</param>
/// <param name="Changed">Instances whose endpoints, version, metadata or health changed.</param>
public sealed record ServiceChange(
    string ServiceName,
    IReadOnlyList<ServiceInstance> Instances,
    IReadOnlyList<ServiceInstance> Added,
    IReadOnlyList<ServiceInstance> Removed,
    IReadOnlyList<ServiceInstance> Changed);
