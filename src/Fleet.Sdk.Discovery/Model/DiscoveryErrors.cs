namespace Fleet.Sdk.Discovery;

/// <summary>Every discovery error message in one place.</summary>
internal static class DiscoveryErrors
{
    public static RegistrationConflictException Conflict(string service, string instanceId, string holderMachine, string holderProcess, TimeSpan remaining) =>
        new($"Instance '{instanceId}' of '{service}' is registered by another process (machine '{holderMachine}', process {holderProcess}) " +
            $"for another {remaining.TotalSeconds:0.#} s. Give each instance a unique id (Fleet:Discovery:InstanceId), or stop the other process; " +
            "a crashed holder's registration expires by itself after its TTL, and registration is retried until then.");

    public static DiscoveryUnavailableException Contended(string service, string instanceId, int attempts) =>
        new($"Instance '{instanceId}' of '{service}' changed under {attempts} attempts in a row to write it on its revision: other processes keep writing the same registration. " +
            "Give each instance a unique id (Fleet:Discovery:InstanceId); the next heartbeat tries again.");

    public static DiscoveryUnavailableException BucketNotAnswering(string bucket, string answer) =>
        new($"The NATS registry bucket {bucket} exists but the server answered '{answer}': it is cut off from the cluster's JetStream metadata or the cluster has no quorum. " +
            "The last known view is served until it answers; check Fleet:Coordination:Nats:Servers and the links between the servers.");

    public static DiscoveryUnavailableException Timeout(string provider, string what, TimeSpan deadline) =>
        new($"The {provider} registry did not answer {what} within {deadline.TotalMilliseconds:0} ms (Fleet:Discovery:ResolveTimeout).");

    public static ServiceNotFoundException NoInstances(string service) =>
        new($"No healthy instance of '{service}' is registered. Check that the agent runs and registers under that exact name (names are case-sensitive).");

    public static ServiceNotFoundException TooStale(string service, TimeSpan age, TimeSpan maxStaleness, Exception cause) =>
        new($"'{service}' cannot be resolved: the registry has been unreachable for {age.TotalSeconds:0} s, longer than " +
            $"Fleet:Discovery:MaxStaleness ({maxStaleness.TotalSeconds:0} s), so the last known view is no longer served. {cause.Message}", cause);

    public static ServiceNotFoundException NeverResolved(string service, Exception cause) =>
        new($"'{service}' cannot be resolved and has no last known view: {cause.Message}", cause);
}
