using Fleet.Sdk.Testing;

namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>One real redis-server for the test classes of the collection; each fleet gets its own key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "gpu-redis";
}
