namespace Fleet.Sdk.Events;

/// <summary>One consumer of a group on an <see cref="InProcessStream"/>.</summary>
internal sealed class InProcessConsumerBackend : IDurableConsumerBackend
{
    private readonly InProcessStream _stream;
    private readonly string _group;
    private readonly string _consumer;
    private readonly DurableStreamOptions _options;
    private readonly TimeProvider _time;
    private readonly Action _wake;

    public InProcessConsumerBackend(InProcessStream stream, string group, string consumer, DurableStreamOptions options, TimeProvider time, Action wake)
    {
        _stream = stream;
        _group = group;
        _consumer = consumer;
        _options = options;
        _time = time;
        _wake = wake;
        stream.Appended += wake;
    }

    public bool RecoversOwnPending => true;

    public Task<DurableReadResult> ReadAsync(int count, bool recoverOwnPending, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_stream.Read(_group, _consumer, count, recoverOwnPending, _options, _time.GetUtcNow()));
    }

    public Task<DurableAckResult> AckAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_stream.Ack(_group, _consumer, id));
    }

    public void Dispose() => _stream.Appended -= _wake;
}
