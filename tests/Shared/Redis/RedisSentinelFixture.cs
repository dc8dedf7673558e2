using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Tests;

/// <summary>
/// One local Redis Sentinel cluster (a master, a replica, three sentinels, all on 127.0.0.1) for the test
/// classes that share it; each test uses its own key prefix. Without redis-server nothing is started and
/// <see cref="Cluster"/> is <see langword="null"/>: the tests are skipped by <see cref="RequiresRedisSentinelAttribute"/>.
/// </summary>
public sealed class RedisSentinelFixture : ServerFixture<RedisSentinelCluster>
{
    public RedisSentinelCluster Cluster => Instance;

    /// <summary>Gets the configuration a client needs (<c>Fleet:Coordination:Redis:Sentinels</c>, <c>ServiceName</c>), for an in-memory source.</summary>
    public IReadOnlyDictionary<string, string?> Settings => Cluster.GetCoordinationSettings();

    /// <summary>Gets the sentinels' addresses (<c>Fleet:Coordination:Redis:Sentinels</c>).</summary>
    public string Sentinels => Cluster.GetSentinelAddresses();

    /// <summary>Gets a StackExchange.Redis Sentinel string (<c>sentinels,serviceName=NAME</c>), which <c>Fleet:Coordination:Redis:ConnectionString</c> accepts as Sentinel.</summary>
    public string ConnectionString => $"{Sentinels},serviceName={Cluster.ServiceName}";

    protected override string? SkipReason => RedisSentinelAvailability.SkipReason;

    protected override Task<RedisSentinelCluster> StartAsync() => RedisSentinelCluster.StartAsync();
}

/// <summary>The test classes that share one <see cref="RedisSentinelFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisSentinelCollection : ICollectionFixture<RedisSentinelFixture>
{
    public const string Name = "redis-sentinel";
}
