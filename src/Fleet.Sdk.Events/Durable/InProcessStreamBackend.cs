namespace Fleet.Sdk.Events;

/// <summary>The embedded default: durable streams in this process (<see cref="InProcessStreamStore"/>), with the Redis engine's semantics and no network.</summary>
internal sealed class InProcessStreamBackend(InProcessStreamStore store, DurableStreamOptions options, TimeProvider time) : IDurableStreamBackend
{
    public string EngineName => "the in-process engine";

    public Task<string> AppendAsync(string stream, string payload, string idempotencyKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(store.Stream(stream).Append(payload, idempotencyKey, options, time.GetUtcNow()));
    }

    public Task<DurableStreamInfo> GetInfoAsync(string stream, string group, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(store.Stream(stream).Info(group, options, time.GetUtcNow()));
    }

    public IDurableConsumerBackend OpenConsumer(string stream, string group, string consumer, Action wake) =>
        new InProcessConsumerBackend(store.Stream(stream), group, consumer, options, time, wake);
}
