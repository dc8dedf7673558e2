namespace Fleet.Sdk.Events.Tests;

/// <summary>
/// A test class that starts durable-stream hosts (<see cref="StreamsHost"/>): each host it starts is disposed after the
/// test, the last first. It also holds the probes that read an engine which may be briefly away (restarting, electing).
/// </summary>
public abstract class StreamsHostTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }
    }

    /// <summary>Appends <paramref name="payload"/> (its own idempotency key); <see langword="false"/> while the engine is unavailable.</summary>
    private protected static async Task<bool> TryAppend(DurableStream stream, string payload)
    {
        try
        {
            await stream.AppendAsync(payload, idempotencyKey: payload);
            return true;
        }
        catch (DurableStreamUnavailableException)
        {
            return false;
        }
    }

    /// <summary>Reads up to ten events; none while the engine is unavailable.</summary>
    private protected static async Task<IReadOnlyList<DurableEvent>> TryRead(DurableStreamConsumer consumer)
    {
        try
        {
            return await consumer.ReadAsync(10);
        }
        catch (DurableStreamUnavailableException)
        {
            return [];
        }
    }

    /// <summary>
    /// An event read before the engine restarts empty; after <paramref name="restartEmpty"/>, the stream and the group come
    /// back by themselves: an append succeeds again and the consumer reads exactly the new event.
    /// </summary>
    private protected static async Task AssertNewEventsFlowAfterAnEmptyRestartAsync(DurableStream stream, Func<Task> restartEmpty, TimeSpan deadline)
    {
        using var consumer = stream.CreateConsumer("g", "c");
        await stream.AppendAsync("before");
        Assert.Single(await consumer.ReadAsync(10));

        await restartEmpty();

        Assert.True(await Poll.UntilAsync(async () => await TryAppend(stream, "after"), deadline));
        IReadOnlyList<DurableEvent> events = [];
        Assert.True(await Poll.UntilAsync(async () => (events = await TryRead(consumer)).Count > 0, deadline));
        Assert.Equal("after", Assert.Single(events).Payload);
    }

    /// <summary>Starts a host on <paramref name="engine"/> (its <c>Fleet:Coordination</c> settings) and disposes it after the test.</summary>
    private protected async Task<IDurableStreams> StartHostAsync(IReadOnlyDictionary<string, string?> engine, string fleet, IDictionary<string, string?>? settings = null, ListLoggerProvider? logs = null)
    {
        var host = await StreamsHost.StartAsync(engine, fleet, settings, logs);
        _cleanup.Add(host);
        return host.Streams;
    }
}
