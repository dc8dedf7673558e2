using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>A Discovery connection to the shared <see cref="RedisFixture"/>; each call gets its own fleet name (key prefix) unless told otherwise.</summary>
internal static class RedisFixtureExtensions
{
    public static FleetRedisConnection Connect(this RedisFixture redis, string? fleet = null, string? connectionString = null, TimeSpan? timeout = null) => new(
        new FleetRedisOptions
        {
            ConnectionString = connectionString ?? redis.Server.ConnectionString,
            FleetName = fleet ?? $"t{Guid.NewGuid():N}"[..12],
            ConnectTimeout = timeout ?? TimeSpan.FromSeconds(2),
        },
        new NoSecrets(),
        "discovery-tests",
        NullLogger.Instance);

    private sealed class NoSecrets : ISecretStore
    {
        public string GetSecret(string name) => throw new FleetSecurityException($"no secret {name} in tests");

        public bool TryGetSecret(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }
    }
}
