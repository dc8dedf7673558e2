using Fleet.Sdk.Security;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>One real redis-server for a test class; each test gets its own fleet name (key prefix).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (RedisAvailability.UsesExternal || RedisAvailability.Executable is not null)
        {
            Server = await RedisServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    internal FleetRedisConnection Connect(string? fleet = null, string? connectionString = null, TimeSpan? timeout = null) => new(
        new FleetRedisOptions
        {
            ConnectionString = connectionString ?? Server.ConnectionString,
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
