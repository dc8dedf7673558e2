using System.Globalization;
using Fleet.Sdk.Coordination;
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
    private readonly IDisposable _subscription;
    private readonly HashSet<string> _inFlight = [];
    private bool _recoverOwnPending = true;
    private int _disposed;

    internal DurableStreamConsumer(DurableStream stream, string group, string name)
    {
        _stream = stream;
        Group = group;
        Name = name;
        _subscription = stream.Owner.Redis.Subscribe(stream.NotifyChannel, _ => Wake());
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
    /// <exception cref="DurableStreamUnavailableException">Redis cannot be reached; nothing was delivered, read again later.</exception>
    public async Task<IReadOnlyList<DurableEvent>> ReadAsync(int maxCount = 100, TimeSpan wait = default, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 10_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        var options = _stream.Owner.Options;
        var time = _stream.Owner.TimeProvider;
        var started = time.GetTimestamp();
        var claimAfter = ((long)options.ClaimAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var count = maxCount.ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            // After a failed read, events Redis delivered may never have reached this process: look
            // at what is pending on this consumer first (also on a consumer's first read, for what a
            // previous run of it left unacknowledged), skipping what this instance is handling now.
            var recovering = _recoverOwnPending;
            List<DurableEvent> events;
            try
            {
                var reply = await _stream.EvaluateAsync(DurableStreamScripts.Read, [Group, Name, count, claimAfter, recovering ? "1" : "0"], "read events", cancellationToken).ConfigureAwait(false);
                events = Parse(reply);
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
    /// Acknowledges an event: the group will not deliver it again. While Redis cannot be reached it
    /// retries for up to <see cref="DurableStreamOptions.AckDeadline"/>; an acknowledgement whose
    /// reply was lost is recognised on the retry.
    /// </summary>
    /// <param name="durableEvent">An event this consumer read.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns><see langword="true"/> when acknowledged; <see langword="false"/> when it had been handed to another consumer after <see cref="DurableStreamOptions.ClaimAfter"/> (that consumer handles it), or the group was lost with Redis's data.</returns>
    /// <exception cref="ArgumentException">The event is from another stream.</exception>
    /// <exception cref="DurableStreamUnavailableException">Redis could not be reached within the deadline; the event stays pending and is delivered again after <see cref="DurableStreamOptions.ClaimAfter"/>.</exception>
    public async Task<bool> AckAsync(DurableEvent durableEvent, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentNullException.ThrowIfNull(durableEvent);
        if (durableEvent.Stream != _stream.Name)
        {
            throw new ArgumentException($"Event {durableEvent.Id} is from stream '{durableEvent.Stream}', not '{_stream.Name}'; acknowledge it with a consumer of its own stream.", nameof(durableEvent));
        }

        var owner = _stream.Owner;
        var reply = await owner.Retry.ExecuteAsync(
            new RetryBudget(owner.TimeProvider, owner.Options.AckDeadline),
            ct => _stream.EvaluateAsync(DurableStreamScripts.Ack, [Group, Name, durableEvent.Id], "acknowledge an event", ct),
            cancellationToken).ConfigureAwait(false);
        _inFlight.Remove(durableEvent.Id);
        if (reply.Integer is 1 or 2)
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
            _subscription.Dispose();
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

    private List<DurableEvent> Parse(RedisReply reply)
    {
        var metrics = _stream.Owner.Metrics;
        var trimmed = reply.Items[1].Integer;
        if (trimmed > 0)
        {
            metrics.Trimmed.Add(trimmed);
            LogTrimmed(_stream.Owner.Logger, _stream.Name, Group, trimmed, _stream.Owner.Options.MaxLength);
        }

        var entries = reply.Items[0].Items;
        var events = new List<DurableEvent>(entries.Count);
        foreach (var entry in entries)
        {
            var fields = entry.Items[1].Items;
            var payload = string.Empty;
            for (var i = 0; i + 1 < fields.Count; i += 2)
            {
                if (fields[i].Text == DurableStreamConstants.PayloadField)
                {
                    payload = fields[i + 1].AsText() ?? string.Empty;
                }
            }

            var deliveries = entry.Items[2].Integer;
            var durableEvent = new DurableEvent(_stream.Name, entry.Items[0].Text!, payload, deliveries);
            if (durableEvent.IsRedelivery)
            {
                metrics.Redelivered.Add(1);
                LogRedelivered(_stream.Owner.Logger, _stream.Name, Group, Name, durableEvent.Id, deliveries);
            }

            events.Add(durableEvent);
        }

        metrics.Delivered.Add(events.Count);
        return events;
    }

    [LoggerMessage(EventId = 9113, Level = LogLevel.Information, Message = "Durable stream {Stream}, group {Group}: consumer {Consumer} got event {Id} again (delivery {Deliveries}): an earlier delivery was not acknowledged in time, or its reply was lost.")]
    private static partial void LogRedelivered(ILogger logger, string stream, string group, string consumer, string id, long deliveries);

    [LoggerMessage(EventId = 9114, Level = LogLevel.Warning, Message = "Durable stream {Stream}, group {Group}: consumer {Consumer} acknowledged event {Id} too late; it had been handed to another consumer (raise ClaimAfter above the longest handling time).")]
    private static partial void LogAckRefused(ILogger logger, string stream, string group, string consumer, string id);

    [LoggerMessage(EventId = 9115, Level = LogLevel.Error, Message = "Durable stream {Stream}, group {Group}: {Count} delivered but unacknowledged events were trimmed by the length bound ({MaxLength}) and are lost; raise Fleet:Events:Durable:MaxLength.")]
    private static partial void LogTrimmed(ILogger logger, string stream, string group, long count, long maxLength);
}
