using System.Globalization;
using System.Text;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using Polly;
using Polly.Retry;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// The registry in a NATS JetStream key-value bucket (<c>{prefix}registry</c>, replicas from
/// <see cref="IFleetNats.Replicas"/>). A registration or heartbeat is a put of key <c>{service}.{id}</c>
/// conditioned on the revision it read (compare-and-set), so a live registration of another owner is never
/// overwritten; a deregistration is a delete conditioned the same way.
/// </summary>
/// <remarks>
/// <para>
/// nats-server 2.9 has no per-key TTL, so entries expire through the bucket's max age: the server removes an entry
/// once its last put is older than that. The bucket's max age is the largest TTL asked for (<c>Fleet:Discovery:Ttl</c>
/// when it is created, raised when a registration asks for a longer one, never lowered). A registration with a
/// shorter TTL stores it in its value and readers hide it once its last put (the server's timestamp) is older than
/// its own TTL by the reader's clock; so that shorter bound assumes the machines' clocks agree to well within the
/// TTL, while the bucket's max age is enforced by the servers alone.
/// </para>
/// <para>
/// Reads go to the stream's leader (stream info for the keys, then a message get per key, not direct gets that a
/// lagging replica could answer), so a process reads its own writes. Watches use the KV watcher; an entry removed
/// by max age produces no event, which the resolvers' polling covers. Every failure to reach a quorum surfaces as
/// <see cref="DiscoveryUnavailableException"/>, whose cause is the engine's <see cref="CoordinationUnavailableException"/>.
/// </para>
/// </remarks>
internal sealed partial class NatsDiscoveryProvider : IDiscoveryProvider
{
    /// <summary>JetStream's "no message found" and "stream not found" API errors.</summary>
    private const int NoMessageFound = 10037;
    private const int StreamNotFound = 10059;

    /// <summary>How long a follower may go unheard before the bucket's leader is taken to have lost it.</summary>
    private static readonly TimeSpan PeerSilence = TimeSpan.FromSeconds(3);
    private const int WrongLastSequence = 10071;
    private const int MaxCasAttempts = 16;
    private static readonly TimeSpan WatchCatchUp = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WatchRetryMin = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan WatchRetryMax = TimeSpan.FromSeconds(5);

    private readonly IFleetNats _nats;
    private readonly DiscoveryMetrics _metrics;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _bucketGate = new(1, 1);
    private readonly int _pid = Environment.ProcessId;
    private (INatsKVStore Store, INatsJSStream Stream, TimeSpan MaxAge)? _bucket;
    private int _readyWatches;
    private bool _bucketSeen;

    public NatsDiscoveryProvider(IFleetNats nats, DiscoveryMetrics metrics, TimeSpan ttl, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        _nats = nats;
        _metrics = metrics;
        _ttl = ttl;
        _time = time;
        _logger = logger;
        _timeout = nats.OperationTimeout;
        Bucket = nats.KeyPrefix + "registry";
    }

    public string Name => "nats";

    /// <summary>Gets the bucket's name.</summary>
    public string Bucket { get; }

    /// <summary>Gets how many watches have read the bucket's current state and follow live changes (for tests).</summary>
    internal int ReadyWatches => Volatile.Read(ref _readyWatches);

    private string StreamName => "KV_" + Bucket;

    private string SubjectPrefix => $"$KV.{Bucket}.";

    public async Task RegisterAsync(ServiceInstance instance, string ownerToken, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ServiceNames.Validate(instance);
        ArgumentException.ThrowIfNullOrEmpty(ownerToken);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var key = Key(instance.ServiceName, instance.InstanceId);
        var owner = NatsRegistryRecord.Owner(ownerToken);
        var value = NatsRegistryRecord.Serialize(instance, _pid, ownerToken, ttl);
        await RunAsync(
            "put a registry entry",
            async ct =>
            {
                var bucket = await BucketAsync(ttl, ct).ConfigureAwait(false);
                for (var attempt = 1; ; attempt++)
                {
                    var current = await ReadAsync(bucket.Stream, key, ct).ConfigureAwait(false);
                    ThrowIfHeldByAnother(current, owner, instance.ServiceName, instance.InstanceId);

                    // Revision 0 means "the key has no entry yet": a create that fails if another process got there first.
                    if (await TryWriteAsync(key, value, current?.Revision ?? 0, delete: false, ct).ConfigureAwait(false))
                    {
                        return true;
                    }

                    if (attempt >= MaxCasAttempts)
                    {
                        throw DiscoveryErrors.Contended(instance.ServiceName, instance.InstanceId, attempt);
                    }

                    // Another write landed between the read and the put: read again and decide again.
                }
            },
            cancellationToken).ConfigureAwait(false);
        _metrics.RegistryCall("register");
    }

    public async Task DeregisterAsync(string serviceName, string instanceId, string ownerToken, CancellationToken cancellationToken = default)
    {
        if (!ServiceNames.IsValid(serviceName) || !ServiceNames.IsValid(instanceId))
        {
            return; // no such key can exist
        }

        var key = Key(serviceName, instanceId);
        var owner = NatsRegistryRecord.Owner(ownerToken);
        await RunAsync(
            "delete a registry entry",
            async ct =>
            {
                if (await ExistingBucketAsync(ct).ConfigureAwait(false) is not { } bucket)
                {
                    return false;
                }

                for (var attempt = 1; ; attempt++)
                {
                    var current = await ReadAsync(bucket.Stream, key, ct).ConfigureAwait(false);
                    if (current is null or { Deleted: true })
                    {
                        return false;
                    }

                    ThrowIfHeldByAnother(current, owner, serviceName, instanceId);
                    if (await TryWriteAsync(key, [], current.Revision, delete: true, ct).ConfigureAwait(false))
                    {
                        return true;
                    }

                    if (attempt >= MaxCasAttempts)
                    {
                        throw DiscoveryErrors.Contended(serviceName, instanceId, attempt);
                    }

                    // Changed since the read: decide again.
                }
            },
            cancellationToken).ConfigureAwait(false);
        _metrics.RegistryCall("deregister");
    }

    public async Task<IReadOnlyList<ServiceInstance>> FetchAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        if (!ServiceNames.IsValid(serviceName))
        {
            return [];
        }

        var instances = await FetchCoreAsync(Encode(serviceName) + ".*", serviceName, cancellationToken).ConfigureAwait(false);
        _metrics.RegistryCall("fetch");
        return instances;
    }

    public async Task<IReadOnlyList<ServiceInstance>> FetchAllAsync(CancellationToken cancellationToken = default)
    {
        var instances = await FetchCoreAsync(">", expectedService: null, cancellationToken).ConfigureAwait(false);
        _metrics.RegistryCall("fetch-all");
        return instances;
    }

    public IDisposable WatchChanges(Action<string> onServiceChanged)
    {
        ArgumentNullException.ThrowIfNull(onServiceChanged);
        var watch = new Watch(this, onServiceChanged);
        watch.Start();
        return watch;
    }

    private static string Encode(string name) => name.Replace('.', '=');

    private static string Decode(string token) => token.Replace('=', '.');

    /// <summary>Service names and ids may hold '.', NATS's token separator, but never '=': the key swaps one for the other.</summary>
    private static string Key(string service, string id) => Encode(service) + "." + Encode(id);

    private static string? ServiceOf(string key) => key.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot ? Decode(key[..dot]) : null;

    private void ThrowIfHeldByAnother(Entry? current, string owner, string service, string instanceId)
    {
        if (current is not { Deleted: false } live || !NatsRegistryRecord.TryReadHeader(live.Value.Span, out var header))
        {
            return; // nothing live there (a corrupt value is not a registration anyone holds)
        }

        var remaining = live.Created + header.Ttl - _time.GetUtcNow();
        if (remaining > TimeSpan.Zero && header.Owner != owner)
        {
            throw DiscoveryErrors.Conflict(service, instanceId, header.Machine, header.Pid, remaining);
        }
    }

    private async Task<IReadOnlyList<ServiceInstance>> FetchCoreAsync(string filter, string? expectedService, CancellationToken cancellationToken) =>
        await RunAsync(
            "read the registry",
            async ct =>
            {
                INatsJSStream stream;
                try
                {
                    stream = await _nats.JetStream.GetStreamAsync(StreamName, new StreamInfoRequest { SubjectsFilter = SubjectPrefix + filter }, ct).ConfigureAwait(false);
                }
                catch (NatsJSApiException ex) when (ex.Error.ErrCode == StreamNotFound)
                {
                    if (Volatile.Read(ref _bucketSeen))
                    {
                        // The bucket existed: a server cut off from the cluster's metadata answers "not found". That is
                        // not an empty registry; readers keep their last known view.
                        throw DiscoveryErrors.BucketNotAnswering(Bucket, ex.Error.Description ?? "stream not found");
                    }

                    return (IReadOnlyList<ServiceInstance>)[]; // nothing was ever registered
                }

                Volatile.Write(ref _bucketSeen, true);
                if (!HasQuorum(stream.Info, out var seen))
                {
                    // A leader cut off from its followers keeps answering for a few seconds before it steps down, with
                    // entries that stopped being renewed on its side of the cut; entries whose TTL passed there would
                    // vanish from the view. Such an answer is not the registry: readers keep their last known view.
                    throw DiscoveryErrors.BucketNotAnswering(Bucket, $"its leader sees {seen} of {stream.Info.Config.NumReplicas} replicas (no quorum)");
                }

                var subjects = stream.Info.State.Subjects?.Keys.ToList() ?? [];
                var entries = await Task.WhenAll(subjects.Select(s => ReadAsync(stream, s[SubjectPrefix.Length..], ct))).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var instances = new List<ServiceInstance>(entries.Length);
                foreach (var entry in entries)
                {
                    if (entry is { Deleted: false } && Parse(entry, expectedService, now) is { } instance)
                    {
                        instances.Add(instance);
                    }
                }

                return instances;
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Whether the bucket's leader, as its stream info tells, sees a majority of the replicas (itself included): a follower
    /// counts when it is not offline and was heard from within <see cref="PeerSilence"/> (RAFT heartbeats come every second).
    /// </summary>
    private static bool HasQuorum(StreamInfo info, out int seen)
    {
        var replicas = Math.Max(1, info.Config.NumReplicas);
        seen = 1;
        if (replicas == 1)
        {
            return true;
        }

        if (info.Cluster is not { Leader.Length: > 0 } cluster)
        {
            seen = 0;
            return false;
        }

        seen += cluster.Replicas?.Count(r => !r.Offline && r.Active < PeerSilence) ?? 0;
        return seen * 2 > replicas;
    }

    private ServiceInstance? Parse(Entry entry, string? expectedService, DateTimeOffset now)
    {
        if (!NatsRegistryRecord.TryReadHeader(entry.Value.Span, out var header))
        {
            return Corrupt(entry.Key, "no registry header (owner, ttl_ms)");
        }

        if (entry.Created + header.Ttl <= now)
        {
            return null; // its own TTL passed; the bucket's max age removes it later
        }

        if (!InstanceRecord.TryParse(Encoding.UTF8.GetString(entry.Value.Span), out var instance, out var reason))
        {
            return Corrupt(entry.Key, reason);
        }

        if (Key(instance.ServiceName, instance.InstanceId) != entry.Key || (expectedService is not null && instance.ServiceName != expectedService))
        {
            return Corrupt(entry.Key, $"the record names service '{instance.ServiceName}' and instance '{instance.InstanceId}'");
        }

        return instance with { LastHeartbeat = entry.Created };
    }

    private ServiceInstance? Corrupt(string key, string reason)
    {
        _metrics.CorruptEntry();
        LogCorruptEntry(_logger, key, reason);
        return null;
    }

    /// <summary>
    /// Writes (or deletes) a key only if its last revision is still <paramref name="revision"/>; false when another
    /// writer got there first. Two headers make it so: the expected last subject sequence, and a message id naming the
    /// key and the revision the write was based on. The id is what makes it hold on a replicated bucket with nats-server
    /// before 2.9.21, which checks the expected sequence only on the leader before replication, so two writes from one
    /// revision can both pass that check; the second id is refused as a duplicate when the writes are applied, in order,
    /// on every replica.
    /// </summary>
    private async Task<bool> TryWriteAsync(string key, byte[] value, ulong revision, bool delete, CancellationToken cancellationToken)
    {
        var options = new NatsJSPubOpts { ExpectedLastSubjectSequence = revision, MsgId = string.Create(CultureInfo.InvariantCulture, $"{key}@{revision}") };
        var headers = delete ? new NatsHeaders { ["KV-Operation"] = "DEL" } : null;
        var result = await _nats.JetStream.TryPublishAsync(SubjectPrefix + key, value, opts: options, headers: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw result.Error;
        }

        return result.Value.Error switch
        {
            null => !result.Value.Duplicate,
            { ErrCode: WrongLastSequence } => false,
            var error => throw new NatsJSApiException(error),
        };
    }

    /// <summary>The last entry of a key, read from the stream's leader; <see langword="null"/> when the key never had one (or it aged out).</summary>
    private async Task<Entry?> ReadAsync(INatsJSStream stream, string key, CancellationToken cancellationToken)
    {
        StreamMsgGetResponse response;
        try
        {
            response = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = SubjectPrefix + key }, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == NoMessageFound)
        {
            return null;
        }

        var message = response.Message;
        return new Entry(key, message.Seq, message.Time, IsDeleteMarker(message.Hdrs), message.Data);
    }

    /// <summary>A KV delete or purge is a message whose headers say <c>KV-Operation: DEL</c> or <c>PURGE</c>.</summary>
    private static bool IsDeleteMarker(string? base64Headers)
    {
        if (string.IsNullOrEmpty(base64Headers))
        {
            return false;
        }

        var headers = Encoding.UTF8.GetString(Convert.FromBase64String(base64Headers));
        return headers.Contains("KV-Operation: DEL", StringComparison.OrdinalIgnoreCase) || headers.Contains("KV-Operation: PURGE", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The bucket, created when missing and its max age raised to at least <paramref name="ttl"/>.</summary>
    private async Task<(INatsKVStore Store, INatsJSStream Stream, TimeSpan MaxAge)> BucketAsync(TimeSpan ttl, CancellationToken cancellationToken)
    {
        var needed = ttl > _ttl ? ttl : _ttl;
        if (_bucket is { } known && known.MaxAge >= needed)
        {
            return known;
        }

        await _bucketGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var bucket = _bucket ?? await ExistingBucketCoreAsync(cancellationToken).ConfigureAwait(false);
            if (bucket is null)
            {
                var store = await _nats.KeyValue.CreateStoreAsync(
                    new NatsKVConfig(Bucket) { MaxAge = needed, NumberOfReplicas = _nats.Replicas, History = 1, Storage = NatsKVStorageType.File, Description = "Fleet.Sdk service registry" },
                    cancellationToken).ConfigureAwait(false);
                LogBucketCreated(_logger, Bucket, _nats.Replicas, needed);
                bucket = (store, await _nats.JetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false), needed);
            }
            else if (bucket.Value.MaxAge < needed)
            {
                var config = bucket.Value.Stream.Info.Config;
                var store = await _nats.KeyValue.UpdateStoreAsync(
                    new NatsKVConfig(Bucket) { MaxAge = needed, NumberOfReplicas = config.NumReplicas, History = config.MaxMsgsPerSubject, Storage = config.Storage == StreamConfigStorage.Memory ? NatsKVStorageType.Memory : NatsKVStorageType.File, Description = config.Description },
                    cancellationToken).ConfigureAwait(false);
                LogBucketGrown(_logger, Bucket, bucket.Value.MaxAge, needed);
                bucket = (store, await _nats.JetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false), needed);
            }

            _bucket = bucket;
            Volatile.Write(ref _bucketSeen, true);
            return bucket.Value;
        }
        finally
        {
            _bucketGate.Release();
        }
    }

    /// <summary>The bucket when it exists (nothing is created by a read or a deregistration).</summary>
    private async Task<(INatsKVStore Store, INatsJSStream Stream, TimeSpan MaxAge)?> ExistingBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucket is { } known)
        {
            return known;
        }

        await _bucketGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _bucket ??= await ExistingBucketCoreAsync(cancellationToken).ConfigureAwait(false);
            return _bucket;
        }
        finally
        {
            _bucketGate.Release();
        }
    }

    private async Task<(INatsKVStore Store, INatsJSStream Stream, TimeSpan MaxAge)?> ExistingBucketCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stream = await _nats.JetStream.GetStreamAsync(StreamName, cancellationToken: cancellationToken).ConfigureAwait(false);
            var store = await _nats.KeyValue.GetStoreAsync(Bucket, cancellationToken).ConfigureAwait(false);
            return (store, stream, stream.Info.Config.MaxAge);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == StreamNotFound)
        {
            return null;
        }
    }

    /// <summary>Runs a registry operation; the coordination engine being unreachable is the registry being unreachable.</summary>
    private async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await _nats.RunAsync(what, ct => new ValueTask<T>(operation(ct)), _timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (CoordinationUnavailableException ex)
        {
            _metrics.RegistryError(what);
            throw new DiscoveryUnavailableException(ex.Message, ex);
        }
    }

    /// <summary>A key's last entry: its revision (the stream sequence), the server's timestamp, and whether it is a delete marker.</summary>
    private sealed record Entry(string Key, ulong Revision, DateTimeOffset Created, bool Deleted, ReadOnlyMemory<byte> Value);

    /// <summary>
    /// One <see cref="WatchChanges"/> subscription: a KV watcher over the whole bucket, restarted with back-off when it
    /// fails. A heartbeat (same fingerprint) is not a change. After a restart, the watcher's initial state is compared
    /// with what it saw before, so changes made while it was down are reported too.
    /// </summary>
    private sealed class Watch(NatsDiscoveryProvider owner, Action<string> handler) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Dictionary<string, string?> _seen = new(StringComparer.Ordinal);

        public void Start() => _ = Task.Run(() => RunAsync(_stop.Token));

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            var started = owner._time.GetUtcNow() - WatchCatchUp;
            var restart = Restarts(owner);
            var first = true;

            // Each pass runs the watcher until it fails; Polly waits between failed passes (back-off from
            // WatchRetryMin to WatchRetryMax), and a pass that saw entries starts the back-off over.
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await restart.ExecuteAsync(
                        async ct =>
                        {
                            var seenAny = await WatchOnceAsync(first, started, ct).ConfigureAwait(false);
                            first = false;
                            if (!seenAny)
                            {
                                throw new InvalidOperationException("the registry watcher ended before it read anything");
                            }
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        /// <summary>Watches the bucket until the watcher fails or ends; true when it read the bucket's state or an entry first.</summary>
        private async Task<bool> WatchOnceAsync(bool first, DateTimeOffset started, CancellationToken cancellationToken)
        {
            var ready = false;
            var seenAny = false;
            try
            {
                var bucket = await owner.RunAsync("watch the registry", ct => owner.BucketAsync(owner._ttl, ct), cancellationToken).ConfigureAwait(false);
                var options = new NatsKVWatchOpts
                {
                    OnNoData = _ =>
                    {
                        MarkReady(ref ready);
                        return ValueTask.FromResult(false);
                    },
                };
                await foreach (var entry in bucket.Store.WatchAsync<byte[]>(">", opts: options, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    seenAny = true;
                    var fingerprint = entry.Operation == NatsKVOperation.Put && NatsRegistryRecord.TryReadHeader(entry.Value, out var header) ? header.Fingerprint ?? string.Empty : null;
                    var known = _seen.TryGetValue(entry.Key, out var before);
                    _seen[entry.Key] = fingerprint;
                    var changed = !ready && first
                        ? entry.Created >= started // the initial state of the first watch: report only what changed since the call
                        : !known || before != fingerprint;
                    if (!ready && entry.Delta == 0)
                    {
                        MarkReady(ref ready);
                    }

                    if (changed && ServiceOf(entry.Key) is { } service)
                    {
                        Notify(service);
                    }
                }
            }
            catch (Exception ex) when (seenAny && ex is NatsException or DiscoveryUnavailableException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                // It worked for a while: the next pass starts right away and its back-off from the start.
                LogWatchRestarting(owner._logger, owner.Bucket, ex.Message, TimeSpan.Zero);
            }
            finally
            {
                if (ready)
                {
                    Interlocked.Decrement(ref owner._readyWatches);
                }
            }

            return seenAny || ready;
        }

        /// <summary>The watcher's restart policy on Polly: every engine failure is retried, with exponential back-off and jitter, until the watch is disposed.</summary>
        private static ResiliencePipeline Restarts(NatsDiscoveryProvider owner) =>
            new ResiliencePipelineBuilder { TimeProvider = owner._time }
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<NatsException>().Handle<DiscoveryUnavailableException>().Handle<InvalidOperationException>(),
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = WatchRetryMin,
                    MaxDelay = WatchRetryMax,
                    OnRetry = args =>
                    {
                        LogWatchRestarting(owner._logger, owner.Bucket, args.Outcome.Exception?.Message ?? string.Empty, args.RetryDelay);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();

        private void MarkReady(ref bool ready)
        {
            if (!ready)
            {
                ready = true;
                Interlocked.Increment(ref owner._readyWatches);
            }
        }

        private void Notify(string service)
        {
            try
            {
                handler(service);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogHandlerFailed(owner._logger, service, ex);
            }
        }
    }
}
