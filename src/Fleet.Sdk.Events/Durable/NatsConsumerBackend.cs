using System.Collections.Concurrent;
using System.Globalization;
using Fleet.Sdk.Coordination;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Fleet.Sdk.Events;

/// <summary>
/// One consumer of a group on JetStream: it pulls from the group's durable consumer and acknowledges with a
/// confirmed (double) acknowledgement. JetStream accepts an acknowledgement from any delivery of an event, even
/// after it was delivered again to another consumer, so the refusal is decided here: an acknowledgement counts
/// only when its confirmation arrives within the claim time of the pull that fetched the event (measured from
/// before the pull was sent, so from no later than the server's delivery); then the server cannot have handed
/// the event on. Past that time nothing is sent and the acknowledgement is refused: the event is delivered
/// again after the claim time, to this consumer or another. Wake-ups come from a plain subscription to the
/// stream's subject.
/// </summary>
internal sealed class NatsConsumerBackend : IDurableConsumerBackend
{
    private readonly NatsStreamBackend _backend;
    private readonly string _stream;
    private readonly string _group;
    private readonly string _consumer;
    private readonly ConcurrentDictionary<string, (INatsJSMsg<string> Message, long FetchedAt)> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private bool _registered;

    public NatsConsumerBackend(NatsStreamBackend backend, string stream, string group, string consumer, Action wake)
    {
        _backend = backend;
        _stream = stream;
        _group = group;
        _consumer = consumer;
        _ = Task.Run(() => WakeLoopAsync(wake, _stop.Token));
    }

    public bool RecoversOwnPending => false;

    public async Task<DurableReadResult> ReadAsync(int count, bool recoverOwnPending, CancellationToken cancellationToken)
    {
        var consumer = await _backend.ConsumerAsync(_stream, _group, cancellationToken).ConfigureAwait(false);
        if (!_registered)
        {
            await _backend.RegisterMemberAsync(_stream, _group, _consumer, cancellationToken).ConfigureAwait(false);
            _registered = true;
        }

        var fetchedAt = _backend.Time.GetTimestamp();
        List<INatsJSMsg<string>> messages;
        try
        {
            messages = await _backend.RunAsync(
                _stream,
                "read events",
                async ct =>
                {
                    var list = new List<INatsJSMsg<string>>(count);
                    await foreach (var message in consumer.FetchNoWaitAsync<string>(new NatsJSFetchOpts { MaxMsgs = count }, cancellationToken: ct).ConfigureAwait(false))
                    {
                        list.Add(message);
                    }

                    return list;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (CoordinationUnavailableException)
        {
            _backend.Forget(_stream, _group);
            throw;
        }
        catch (NatsJSException ex) when (ex is not NatsJSApiException)
        {
            // The consumer is gone (a server that lost its data): create it again on the next read.
            _backend.Forget(_stream, _group);
            throw new CoordinationUnavailableException(CoordinationEngine.Nats, _backend.Nats.Endpoint, "Fleet:Coordination:Nats:Servers", $"Reading durable stream '{_stream}' for group '{_group}' failed: {ex.Message}", ex);
        }

        var events = new List<DurableEvent>(messages.Count);
        foreach (var message in messages)
        {
            var metadata = message.Metadata ?? throw DurableStreamErrors.Refused(_backend.EngineName, "read events", _stream, "a message came without its JetStream metadata");
            var id = metadata.Sequence.Stream.ToString(CultureInfo.InvariantCulture);
            _inFlight[id] = (message, fetchedAt);
            events.Add(new DurableEvent(_stream, id, message.Data ?? string.Empty, (long)metadata.NumDelivered));
        }

        return new DurableReadResult(events, 0);
    }

    public async Task<DurableAckResult> AckAsync(string id, CancellationToken cancellationToken)
    {
        if (!_inFlight.TryGetValue(id, out var held))
        {
            return DurableAckResult.Refused;
        }

        var claimAfter = _backend.Options.ClaimAfter;
        if (_backend.Time.GetElapsedTime(held.FetchedAt) >= claimAfter)
        {
            _inFlight.TryRemove(id, out _);
            return DurableAckResult.Refused;
        }

        await _backend.RunAsync(
            _stream,
            "acknowledge an event",
            async ct =>
            {
                await held.Message.AckAsync(new AckOpts { DoubleAck = true }, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        _inFlight.TryRemove(id, out _);
        return _backend.Time.GetElapsedTime(held.FetchedAt) < claimAfter ? DurableAckResult.Acknowledged : DurableAckResult.Refused;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task WakeLoopAsync(Action wake, CancellationToken stop)
    {
        var subject = _backend.Subject(_stream);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in _backend.Nats.Connection.SubscribeAsync<ReadOnlyMemory<byte>>(subject, cancellationToken: stop).ConfigureAwait(false))
                {
                    wake();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (NatsException ex)
            {
                NatsStreamBackend.LogWakeFailed(_backend.Logger, _stream, ex.Message);
            }

            try
            {
                await Task.Delay(_backend.Options.PollInterval, _backend.Time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
