namespace Fleet.Sdk.Coordination;

/// <summary>The engines that can hold the fleet's shared state (registry, GPU lease ledger, durable streams).</summary>
public enum CoordinationEngine
{
    /// <summary>
    /// Redis when <c>Fleet:Coordination:Redis:ConnectionString</c> or <c>:Sentinels</c> is set, NATS when
    /// <c>Fleet:Coordination:Nats:Servers</c> is set, otherwise in-process. Setting both is an error.
    /// </summary>
    Auto,

    /// <summary>In this process only: one machine, no infrastructure (the embedded default).</summary>
    InProcess,

    /// <summary>Redis 7, standalone or behind Sentinel (StackExchange.Redis).</summary>
    Redis,

    /// <summary>NATS JetStream, one server or a Raft-replicated cluster (NATS.Net).</summary>
    Nats,
}
