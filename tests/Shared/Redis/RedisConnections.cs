using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Tests;

/// <summary>Opens the coordination layer's Redis connection the way an agent does (<c>AddFleetCoordination</c>), for tests that drive a provider directly.</summary>
internal static class RedisConnections
{
    /// <summary>Connects to <paramref name="connectionString"/> under the fleet name <paramref name="fleet"/> (a fresh one by default); dispose it with <see cref="Close"/>.</summary>
    public static IFleetRedis Connect(string connectionString, string? fleet = null, TimeSpan? connectTimeout = null, TimeSpan? operationTimeout = null) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddFleetCoordination(o =>
            {
                o.Engine = CoordinationEngine.Redis;
                o.FleetName = fleet ?? $"t{Guid.NewGuid():N}"[..12];
                o.Redis.ConnectionString = connectionString;
                o.Redis.ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(2);
                o.Redis.OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(2);
            })
            .BuildServiceProvider()
            .GetRequiredService<IFleetRedis>();

    /// <summary>Closes a connection from <see cref="Connect"/>.</summary>
    public static void Close(this IFleetRedis? connection) => (connection as IDisposable)?.Dispose();
}
