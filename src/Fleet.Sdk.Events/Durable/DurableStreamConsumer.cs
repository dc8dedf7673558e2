using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Events;

/// <summary>
/// One consumer of a group on a durable stream. Read events, handle them, acknowledge each: an event
/// not acknowledged within <see cref="DurableStreamOptions.ClaimAfter"/> is delivered to another
/// consumer of the group (at-least-once), and the late consumer's acknowledgement is refused, so it
/// knows its work was handed on. Not thread-safe: one reader per consumer.
/// </summary>
public sealed partial class DurableStreamConsumer : IDisposable
{
    private readonly DurableStream _stream;
    private readonly SemaphoreSlim _appended = new(0, 1);
    private readonly IDurableConsumerBackend _backend;
    private readonly HashSet<string> _inFlight = [];
    private bool _recoverOwnPending = true;
    private int _disposed;

    internal DurableStreamConsumer(DurableStream stream, string group, string name)
    {
        _stream = stream;
        Group = group;
        Name = name;
        _backend = stream.Owner.Backend.OpenConsumer(stream.Name, group, name, Wake);
    }

    /// <summary>Gets the consumer group.</summary>
    public string Group { get; }

    /// <summary>Gets this consumer's name in the group.</summary>
    public string Name { get; }

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> events for this consumer: first events other consumers
    /// left unacknowledged past <see cref="DurableStreamOptions.ClaimAfter"/>, then new ones, waiting
    /// up to <paramref name="wait"/> for some to arrive.
    /// </summary>
    /// <param name="maxCount">The most events to return, 1 to 10,000.</param>
    /// <param name="wait">How long to wait when there is nothing to read; <see cref="TimeSpan.Zero"/> to return at once.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The events, oldest first; empty when none arrived in time.</returns>
    /// <exception cref="DurableStreamUnavailableException">The engine cannot be reached; read again later (what it may have delivered comes back: at once on Redis and in-process, after <see cref="DurableStreamOptions.ClaimAfter"/> on NATS).</exception>
    public async Task<IReadOnlyList<DurableEvent>> ReadAsync(int maxCount = 100, TimeSpan wait = default, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 10_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        var options = _stream.Owner.Options;
        var time = _stream.Owner.TimeProvider;
        var started = time.GetTimestamp();
        while (true)
        {
            // After a failed read, events the engine delivered may never have reached this process: look
            // at what is pending on this consumer first (also on a consumer's first read, for what a
            // previous run of it left unacknowledged), skipping what this instance is handling now.
            var recovering = _recoverOwnPending && _backend.RecoversOwnPending;
            List<DurableEvent> events;
            try
            {
                var read = await _stream.GuardAsync("read events", () => _backend.ReadAsync(maxCount, recovering, cancellationToken)).ConfigureAwait(false);
                events = Count(read);
            }
            catch (DurableStreamUnavailableException)
            {
                _recoverOwnPending = true;
                throw;
            }

            if (recovering)
            {
                events.RemoveAll(e => _inFlight.Contains(e.Id));
                if (events.Count == 0)
                {
                    _recoverOwnPending = false;
                    continue;
                }
            }

            if (events.Count > 0)
            {
                foreach (var e in events)
                {
                    _inFlight.Add(e.Id);
                }

                return events;
            }

            var remaining = wait - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return events;
            }

            // Woken by the append notification, or by the poll interval when pub/sub is down.
            await _appended.WaitAsync(remaining < options.PollInterval ? remaining : options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Acknowledges an event: the group will not deliver it again. While the engine cannot be reached it
    /// retries for up to <see cref="DurableStreamOptions.AckDeadline"/>; an acknowledgement whose
    /// reply was lost is recognised on the retry.
    /// </summary>
    /// <param name="durableEvent">An event this consumer read.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns>
    /// <see langword="true"/> when acknowledged; <see langword="false"/> when it had been handed to another consumer after
    /// <see cref="DurableStreamOptions.ClaimAfter"/> (that consumer handles it), or the group was lost with the engine's data.
    /// On NATS JetStream, which accepts late acknowledgements, <see langword="false"/> means the acknowledgement could not be
    /// confirmed within <see cref="DurableStreamOptions.ClaimAfter"/> of the read: the event is (or may already have been)
    /// delivered again, to this consumer or another.
    /// </returns>
    /// <exception cref="ArgumentException">The event is from another stream.</exception>
    /// <exception cref="DurableStreamUnavailableException">The engine could not be reached within the deadline; the event stays pending and is delivered again after <see cref="DurableStreamOptions.ClaimAfter"/>.</exception>
    public async Task<bool> AckAsync(DurableEvent durableEvent, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentNullException.ThrowIfNull(durableEvent);
        if (durableEvent.Stream != _stream.Name)
        {
            throw new ArgumentException($"Event {durableEvent.Id} is from stream '{durableEvent.Stream}', not '{_stream.Name}'; acknowledge it with a consumer of its own stream.", nameof(durableEvent));
        }

        var owner = _stream.Owner;
        var result = await owner.Retry.ExecuteAsync(
            new RetryBudget(owner.TimeProvider, owner.Options.AckDeadline),
            ct => _stream.GuardAsync("acknowledge an event", () => _backend.AckAsync(durableEvent.Id, ct)),
            cancellationToken).ConfigureAwait(false);
        _inFlight.Remove(durableEvent.Id);
        if (result is DurableAckResult.Acknowledged or DurableAckResult.AlreadyAcknowledged)
        {
            owner.Metrics.Acknowledged.Add(1);
            return true;
        }

        owner.Metrics.AckRefused.Add(1);
        LogAckRefused(owner.Logger, _stream.Name, Group, Name, durableEvent.Id);
        return false;
    }

    /// <summary>Stops listening for append notifications. Unacknowledged events stay pending and go to another consumer after <see cref="DurableStreamOptions.ClaimAfter"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _backend.Dispose();
            _appended.Dispose();
        }
    }

    private void Wake()
    {
        try
        {
            if (_disposed == 0 && _appended.CurrentCount == 0)
            {
                _appended.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or disposed while the notification was in flight: nothing to wake.
        }
    }

    private List<DurableEvent> Count(DurableReadResult read)
    {
        var metrics = _stream.Owner.Metrics;
        if (read.Trimmed > 0)
        {
            metrics.Trimmed.Add(read.Trimmed);
            LogTrimmed(_stream.Owner.Logger, _stream.Name, Group, read.Trimmed, _stream.Owner.Options.MaxLength);
        }

        foreach (var durableEvent in read.Events.Where(e => e.IsRedelivery))
        {
            metrics.Redelivered.Add(1);
            LogRedelivered(_stream.Owner.Logger, _stream.Name, Group, Name, durableEvent.Id, durableEvent.DeliveryCount);
        }

        metrics.Delivered.Add(read.Events.Count);
        return [.. read.Events];
    }

    [LoggerMessage(EventId = 9113, Level = LogLevel.Information, Message = "Durable stream {Stream}, group {Group}: consumer {Consumer} got event {Id} again (delivery {Deliveries}): an earlier delivery was not acknowledged in time, or its reply was lost.")]
    private static partial void LogRedelivered(ILogger logger, string stream, string group, string consumer, string id, long deliveries);

    [LoggerMessage(EventId = 9114, Level = LogLevel.Warning, Message = "Durable stream {Stream}, group {Group}: consumer {Consumer} acknowledged event {Id} too late; it had been handed to another consumer (raise ClaimAfter above the longest handling time).")]
    private static partial void LogAckRefused(ILogger logger, string stream, string group, string consumer, string id);

    [LoggerMessage(EventId = 9115, Level = LogLevel.Error, Message = "Durable stream {Stream}, group {Group}: {Count} delivered but unacknowledged events were trimmed by the length bound ({MaxLength}) and are lost; raise Fleet:Events:Durable:MaxLength.")]
    private static partial void LogTrimmed(ILogger logger, string stream, string group, long count, long maxLength);
}
