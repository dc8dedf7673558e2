using System.Collections.Concurrent;
using System.Globalization;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Fleet.Sdk.Events;

/// <summary>
/// Durable streams on NATS JetStream. Each Fleet.Sdk stream is a JetStream stream of its own
/// (<c>{prefix}events-{name}</c> on the one subject <c>{prefix}events.{name}</c>), so each has its own
/// bounds (count, bytes, age), its own Raft group and leader, and one stream's trouble never blocks another.
/// Appends carry the idempotency key as <c>Nats-Msg-Id</c> and the stream's duplicate window is the
/// idempotency window; a repeated key returns the first append's sequence. A group is a durable pull
/// consumer with explicit acknowledgement and <c>AckWait</c> = the claim time, so an event left
/// unacknowledged is delivered again to whichever consumer of the group pulls next. The consumers a
/// group has seen are kept in the key-value bucket <c>{prefix}events-members</c>.
/// </summary>
internal sealed partial class NatsStreamBackend : IDurableStreamBackend
{
    /// <summary>JetStream's "no suitable peers for placement" error code.</summary>
    private const int NoSuitablePeers = 10005;

    private readonly ConcurrentDictionary<string, Lazy<Task>> _streams = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Stream, string Group), Lazy<Task<INatsJSConsumer>>> _consumers = new();
    private Lazy<Task<INatsKVStore>>? _members;

    public NatsStreamBackend(IFleetNats nats, DurableStreamOptions options, TimeProvider time, ILogger logger)
    {
        Nats = nats;
        Options = options;
        Time = time;
        Logger = logger;
    }

    public string EngineName => "NATS JetStream";

    internal IFleetNats Nats { get; }

    internal DurableStreamOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    public async Task<string> AppendAsync(string stream, string payload, string idempotencyKey, CancellationToken cancellationToken)
    {
        await EnsureStreamAsync(stream, cancellationToken).ConfigureAwait(false);
        var ack = await RunAsync(
            stream,
            "append an event",
            ct => Nats.JetStream.PublishAsync(Subject(stream), payload, opts: new NatsJSPubOpts { MsgId = idempotencyKey }, cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        if (ack.Error is { } error)
        {
            throw DurableStreamErrors.Refused(EngineName, "append an event", stream, $"{error.Description} (code {error.Code}, {error.ErrCode})");
        }

        if (ack.Duplicate)
        {
            LogDuplicate(Logger, stream, idempotencyKey, ack.Seq);
        }

        // For a duplicate the server answers with the sequence of the first append of the key.
        return ack.Seq.ToString(CultureInfo.InvariantCulture);
    }

    public async Task<DurableStreamInfo> GetInfoAsync(string stream, string group, CancellationToken cancellationToken)
    {
        var length = await FindAsync(stream, "read its length", ct => Nats.JetStream.GetStreamAsync(StreamName(stream), cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        var consumer = await FindAsync(stream, "read its group", ct => Nats.JetStream.GetConsumerAsync(StreamName(stream), NatsStreamNames.Escape(group), ct), cancellationToken).ConfigureAwait(false);
        var members = 0L;
        if (consumer is not null)
        {
            var bucket = await MembersAsync(cancellationToken).ConfigureAwait(false);
            members = await RunAsync(
                stream,
                "count the group's consumers",
                async ct =>
                {
                    var count = 0L;
                    await foreach (var _ in bucket.GetKeysAsync([$"{NatsStreamNames.Escape(stream)}.{NatsStreamNames.Escape(group)}.*"], cancellationToken: ct).ConfigureAwait(false))
                    {
                        count++;
                    }

                    return count;
                },
                cancellationToken).ConfigureAwait(false);
        }

        return new DurableStreamInfo((long)(length?.Info.State.Messages ?? 0), consumer?.Info.NumAckPending ?? 0, members);
    }

    public IDurableConsumerBackend OpenConsumer(string stream, string group, string consumer, Action wake) =>
        new NatsConsumerBackend(this, stream, group, consumer, wake);

    internal string Subject(string stream) => $"{Nats.KeyPrefix}events.{stream}";

    internal async Task<INatsJSConsumer> ConsumerAsync(string stream, string group, CancellationToken cancellationToken)
    {
        var key = (stream, group);
        var lazy = _consumers.GetOrAdd(key, k => new Lazy<Task<INatsJSConsumer>>(() => CreateConsumerAsync(k.Stream, k.Group)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _consumers.TryRemove(new KeyValuePair<(string, string), Lazy<Task<INatsJSConsumer>>>(key, lazy));
            throw;
        }
    }

    /// <summary>Forgets the stream and the group's consumer, so the next call creates them again (after a server that lost its data).</summary>
    internal void Forget(string stream, string? group)
    {
        _streams.TryRemove(stream, out _);
        if (group is not null)
        {
            _consumers.TryRemove((stream, group), out _);
        }
    }

    internal async Task RegisterMemberAsync(string stream, string group, string consumer, CancellationToken cancellationToken)
    {
        var bucket = await MembersAsync(cancellationToken).ConfigureAwait(false);
        var key = $"{NatsStreamNames.Escape(stream)}.{NatsStreamNames.Escape(group)}.{NatsStreamNames.Escape(consumer)}";
        await RunAsync(stream, "register a consumer", ct => bucket.PutAsync(key, "1", cancellationToken: ct), cancellationToken).ConfigureAwait(false);
    }

    internal async Task<T> RunAsync<T>(string stream, string what, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await Nats.RunAsync(what, operation, Options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == NoSuitablePeers)
        {
            // Right after a partition heals or a node restarts, JetStream still counts a peer as offline; with
            // more replicas than servers it never stops. Either way it is "not now": retried within the deadlines.
            Forget(stream, group: null);
            throw DurableStreamErrors.NoPeers(Nats.Engine, Nats.Endpoint, what, stream, Nats.Replicas, ex);
        }
        catch (NatsJSApiException ex)
        {
            throw DurableStreamErrors.JetStreamRefused(what, stream, $"{ex.Error.Description} (code {ex.Error.Code}, {ex.Error.ErrCode})");
        }
        catch (CoordinationUnavailableException)
        {
            Forget(stream, group: null);
            throw;
        }
    }

    /// <summary>Like <see cref="RunAsync{T}"/>, with <see langword="null"/> for a stream or consumer that does not exist (yet).</summary>
    private Task<T?> FindAsync<T>(string stream, string what, Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
        where T : class =>
        RunAsync<T?>(
            stream,
            what,
            async ct =>
            {
                try
                {
                    return await operation(ct).ConfigureAwait(false);
                }
                catch (NatsJSApiException ex) when (ex.Error.Code == 404)
                {
                    return null;
                }
            },
            cancellationToken);

    private async Task EnsureStreamAsync(string stream, CancellationToken cancellationToken)
    {
        var lazy = _streams.GetOrAdd(stream, s => new Lazy<Task>(() => CreateStreamAsync(s)));
        try
        {
            await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _streams.TryRemove(new KeyValuePair<string, Lazy<Task>>(stream, lazy));
            throw;
        }
    }

    private async Task CreateStreamAsync(string stream)
    {
        var config = new StreamConfig(StreamName(stream), [Subject(stream)])
        {
            Retention = StreamConfigRetention.Limits,
            Storage = StreamConfigStorage.File,
            Discard = StreamConfigDiscard.Old,
            MaxMsgs = Options.MaxLength,
            MaxBytes = Options.MaxBytes,
            MaxAge = Options.MaxAge,
            DuplicateWindow = Options.IdempotencyWindow,
            NumReplicas = Nats.Replicas,
        };
        await DurableStreamRetry.Setup.ExecuteAsync(
            async ct => await RunAsync(stream, "create its JetStream stream", c => Nats.JetStream.CreateOrUpdateStreamAsync(config, c), ct).ConfigureAwait(false),
            CancellationToken.None).ConfigureAwait(false);
        LogStreamReady(Logger, stream, config.Name!, Nats.Replicas, Options.MaxLength, Options.MaxBytes, Options.MaxAge);
    }

    private async Task<INatsJSConsumer> CreateConsumerAsync(string stream, string group)
    {
        await EnsureStreamAsync(stream, CancellationToken.None).ConfigureAwait(false);
        var config = new ConsumerConfig(NatsStreamNames.Escape(group))
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            AckWait = Options.ClaimAfter,
            MaxDeliver = -1,
            MaxAckPending = 1_000_000,
        };
        return await DurableStreamRetry.Setup.ExecuteAsync(
            async ct => await RunAsync(stream, "create its group's JetStream consumer", c => Nats.JetStream.CreateOrUpdateConsumerAsync(StreamName(stream), config, c), ct).ConfigureAwait(false),
            CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<INatsKVStore> MembersAsync(CancellationToken cancellationToken)
    {
        var lazy = _members ??= new Lazy<Task<INatsKVStore>>(CreateMembersAsync);
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _members, null, lazy);
            throw;
        }
    }

    private async Task<INatsKVStore> CreateMembersAsync() =>
        await DurableStreamRetry.Setup.ExecuteAsync(
            async ct => await RunAsync(
                "members",
                "create the key-value bucket of consumer group members",
                c => Nats.KeyValue.CreateOrUpdateStoreAsync(new NatsKVConfig($"{Nats.KeyPrefix}events-members") { History = 1, NumberOfReplicas = Nats.Replicas, Storage = NatsKVStorageType.File }, c),
                ct).ConfigureAwait(false),
            CancellationToken.None).ConfigureAwait(false);

    private string StreamName(string stream) => $"{Nats.KeyPrefix}events-{NatsStreamNames.Escape(stream)}";
}
