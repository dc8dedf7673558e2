using System.Globalization;
using Fleet.Sdk.Coordination;

namespace Fleet.Sdk.Events;

/// <summary>
/// Durable streams on Redis Streams (<see cref="DurableStreamScripts"/>): one stream key per name, consumer
/// groups, pending entries per consumer, claim with <c>XAUTOCLAIM</c>. Appends are confirmed on replicas
/// (<see cref="IFleetRedis.EvaluateReplicatedAsync"/>, <c>WAIT</c>) when replica confirmation is configured.
/// </summary>
internal sealed class RedisStreamBackend(IFleetRedis redis, DurableStreamOptions options, TimeProvider time) : IDurableStreamBackend
{
    public string EngineName => "Redis";

    internal IFleetRedis Redis => redis;

    internal DurableStreamOptions Options => options;

    internal TimeProvider Time => time;

    public async Task<string> AppendAsync(string stream, string payload, string idempotencyKey, CancellationToken cancellationToken)
    {
        var key = Key(stream);
        string[] keys = [key, $"{key}:appended-key:{idempotencyKey}"];
        string[] arguments =
        [
            payload,
            options.MaxLength.ToString(CultureInfo.InvariantCulture),
            ((long)Math.Ceiling(options.IdempotencyWindow.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
            NotifyChannel(stream),
            ((long)options.MaxAge.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        ];
        var reply = await EvaluateAsync(stream, DurableStreamScripts.Append, keys, arguments, "append an event", cancellationToken, replicated: true).ConfigureAwait(false);
        return reply.AsText() ?? throw DurableStreamErrors.Refused(EngineName, "append an event", stream, $"no id in its reply ({reply})");
    }

    public async Task<DurableStreamInfo> GetInfoAsync(string stream, string group, CancellationToken cancellationToken)
    {
        var reply = await EvaluateAsync(stream, DurableStreamScripts.Info, [Key(stream)], [group], "read its figures", cancellationToken).ConfigureAwait(false);
        return new DurableStreamInfo(reply.Items[0].Integer, reply.Items[1].Integer, reply.Items[2].Integer);
    }

    public IDurableConsumerBackend OpenConsumer(string stream, string group, string consumer, Action wake) =>
        new RedisConsumerBackend(this, stream, group, consumer, redis.Subscribe(NotifyChannel(stream), _ => wake()));

    internal string Key(string stream) => $"{redis.KeyPrefix}stream:{stream}";

    internal async Task<RedisReply> EvaluateAsync(string stream, string script, string[] keys, string[] arguments, string what, CancellationToken cancellationToken, bool replicated = false)
    {
        var timeout = options.OperationTimeout;
        var reply = replicated
            ? await redis.EvaluateReplicatedAsync(script, keys, arguments, timeout, cancellationToken).ConfigureAwait(false)
            : await redis.EvaluateAsync(script, keys, arguments, timeout, cancellationToken).ConfigureAwait(false);
        return reply.Kind == RedisReplyKind.Error ? throw DurableStreamErrors.Refused(EngineName, what, stream, reply.Text ?? "no reason given") : reply;
    }

    private string NotifyChannel(string stream) => $"{Key(stream)}:appended";
}
