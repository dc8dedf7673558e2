using System.Globalization;

namespace Fleet.Sdk.Events;

/// <summary>One consumer of a Redis Streams consumer group (<see cref="DurableStreamScripts.Read"/> and <see cref="DurableStreamScripts.Ack"/>).</summary>
internal sealed class RedisConsumerBackend(RedisStreamBackend backend, string stream, string group, string consumer, IDisposable subscription) : IDurableConsumerBackend
{
    public bool RecoversOwnPending => true;

    public async Task<DurableReadResult> ReadAsync(int count, bool recoverOwnPending, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            group,
            consumer,
            count.ToString(CultureInfo.InvariantCulture),
            ((long)backend.Options.ClaimAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            recoverOwnPending ? "1" : "0",
        ];
        var reply = await backend.EvaluateAsync(stream, DurableStreamScripts.Read, [backend.Key(stream)], arguments, "read events", cancellationToken).ConfigureAwait(false);
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

            events.Add(new DurableEvent(stream, entry.Items[0].Text!, payload, entry.Items[2].Integer));
        }

        return new DurableReadResult(events, reply.Items[1].Integer);
    }

    public async Task<DurableAckResult> AckAsync(string id, CancellationToken cancellationToken)
    {
        var reply = await backend.EvaluateAsync(stream, DurableStreamScripts.Ack, [backend.Key(stream)], [group, consumer, id], "acknowledge an event", cancellationToken).ConfigureAwait(false);
        return reply.Integer switch
        {
            1 => DurableAckResult.Acknowledged,
            2 => DurableAckResult.AlreadyAcknowledged,
            _ => DurableAckResult.Refused,
        };
    }

    public void Dispose() => subscription.Dispose();
}
