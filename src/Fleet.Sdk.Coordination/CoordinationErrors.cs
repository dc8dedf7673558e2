namespace Fleet.Sdk.Coordination;

/// <summary>Every coordination error message in one place.</summary>
internal static class CoordinationErrors
{
    public static string EngineName(CoordinationEngine engine) => engine switch
    {
        CoordinationEngine.Redis => "Redis",
        CoordinationEngine.Nats => "NATS JetStream",
        _ => "in-process",
    };

    /// <summary>The key to check when <paramref name="engine"/> cannot be reached.</summary>
    public static string EndpointKey(CoordinationEngine engine, bool sentinel) => engine switch
    {
        CoordinationEngine.Redis when sentinel => $"{CoordinationConstants.SectionName}:Redis:Sentinels",
        CoordinationEngine.Redis => $"{CoordinationConstants.SectionName}:Redis:ConnectionString",
        CoordinationEngine.Nats => $"{CoordinationConstants.SectionName}:Nats:Servers",
        _ => $"{CoordinationConstants.SectionName}:Engine",
    };

    public static CoordinationUnavailableException Unreachable(CoordinationEngine engine, string endpoint, string key, string what, Exception? cause) =>
        new(
            engine,
            endpoint,
            key,
            $"The {EngineName(engine)} coordination engine at {endpoint} cannot be reached ({what}){(cause is null ? "." : ": " + cause.Message)} Check {key} and that the servers run.",
            cause);

    public static CoordinationUnavailableException TimedOut(CoordinationEngine engine, string endpoint, string key, string what, TimeSpan timeout, Exception? cause) =>
        new(
            engine,
            endpoint,
            key,
            $"The {EngineName(engine)} coordination engine at {endpoint} did not answer {what} within {timeout.TotalMilliseconds:0} ms. Check {key}, that the servers run, and the link to them.",
            cause);

    public static CoordinationUnavailableException NotReplicated(string endpoint, string key, int wanted, long confirmed, TimeSpan timeout) =>
        new(
            CoordinationEngine.Redis,
            endpoint,
            key,
            $"The Redis master at {endpoint} applied a write but only {confirmed} of the {wanted} replica(s) required by {key} confirmed it within {timeout.TotalMilliseconds:0} ms; " +
            "it is not acknowledged and can be lost if the master fails now. Check that the replicas run and are linked to the master, or lower Fleet:Coordination:Redis:MinReplicaAcks.",
            null);

    public static InvalidOperationException WrongEngine(CoordinationEngine wanted, CoordinationEngine actual) =>
        new($"This needs the {EngineName(wanted)} coordination engine, but {CoordinationConstants.SectionName}:Engine resolves to {EngineName(actual)}. " +
            $"Set {CoordinationConstants.SectionName}:Engine to {wanted} and its servers ({EndpointKey(wanted, false)}).");
}
