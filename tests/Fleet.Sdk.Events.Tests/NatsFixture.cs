using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Events.Tests;

/// <summary>One real nats-server with JetStream for the test classes that share it (each test uses its own fleet name); none without nats-server.</summary>
public sealed class NatsFixture : IAsyncLifetime
{
    public NatsServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (NatsAvailability.SkipReason is null)
        {
            Server = await NatsServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
