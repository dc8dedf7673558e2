using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Tests;

/// <summary>
/// One real redis-server (or the FLEET_TEST_REDIS server) for the test classes that share it; each
/// test uses its own key prefix. Without one, nothing is started and <see cref="Server"/> is
/// <see langword="null"/>: the tests that need it are skipped by <see cref="RequiresRedisServerFactAttribute"/>
/// or <see cref="RequiresRedisServerAttribute"/>.
/// </summary>
public sealed class RedisFixture : ServerFixture<RedisServer>
{
    public RedisServer Server => Instance;

    protected override string? SkipReason => RedisAvailability.SkipReason;

    protected override Task<RedisServer> StartAsync() => RedisServer.StartAsync();
}

/// <summary>The test classes that share one <see cref="RedisFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "redis";
}
