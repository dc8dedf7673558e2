namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>
/// The ledger suite against Redis with Sentinel (a master, a replica, three real sentinels), through a
/// StackExchange.Redis Sentinel string: every grant is confirmed by the replica (MinReplicaAcks 1).
/// </summary>
[Collection(RedisSentinelCollection.Name)]
[RequiresRedisSentinel]
public sealed class RedisSentinelLedgerConformanceTests(RedisSentinelFixture sentinel) : GpuLedgerConformanceTests
{
    protected override string? RedisConnectionString => sentinel.ConnectionString;
}
