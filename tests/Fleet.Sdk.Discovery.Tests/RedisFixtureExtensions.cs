using Fleet.Sdk.Coordination;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>A coordination connection to the shared <see cref="RedisFixture"/>; each call gets its own fleet name (key prefix) unless told otherwise.</summary>
internal static class RedisFixtureExtensions
{
    public static IFleetRedis Connect(this RedisFixture redis, string? fleet = null, string? connectionString = null, TimeSpan? timeout = null) =>
        RedisConnections.Connect(connectionString ?? redis.Server.ConnectionString, fleet, timeout);
}
