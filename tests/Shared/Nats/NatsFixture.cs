using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Tests;

/// <summary>
/// One real nats-server with JetStream for the test classes that share it; each test uses its own fleet name (its own
/// buckets and streams). Without nats-server nothing is started and <see cref="Server"/> is <see langword="null"/>:
/// the tests that need it are skipped by <see cref="RequiresNatsServerFactAttribute"/> or <see cref="RequiresNatsServerAttribute"/>.
/// </summary>
public sealed class NatsFixture : ServerFixture<NatsServer>
{
    public NatsServer Server => Instance;

    protected override string? SkipReason => NatsAvailability.SkipReason;

    protected override Task<NatsServer> StartAsync() => NatsServer.StartAsync();
}

/// <summary>The test classes that share one <see cref="NatsFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class NatsCollection : ICollectionFixture<NatsFixture>
{
    public const string Name = "nats-server";
}
