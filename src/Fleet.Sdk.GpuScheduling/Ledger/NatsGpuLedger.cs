using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using Polly;
using Polly.Retry;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// The fleet-wide ledger in a NATS JetStream key-value bucket (<c>{prefix}gpu-ledger</c>, replicated on
/// <see cref="IFleetNats.Replicas"/> servers), through the coordination layer's shared connection. Each GPU is one
/// key (<c>g.{machine}.{index}</c>) holding its entries and fencing counter as JSON; it changes only by
/// compare-and-set on the key's revision (created when absent, updated against the revision read), and a
/// writer that lost the race reads again and re-applies the rules (<see cref="GpuLedgerRecord"/>). So a
/// fencing token is granted once and only grows, and no two writers anywhere can over-commit a GPU.
/// Reads go to the stream's leader (the bucket does not allow direct gets from followers), so a read never
/// predates an acknowledged write. Expiry uses this process's <see cref="TimeProvider"/>: the machines' clocks
/// must agree (NTP) to well within a lease's TTL.
/// </summary>
internal sealed partial class NatsGpuLedger : IGpuLedger
{
    /// <summary>How many times a writer that lost a compare-and-set race re-reads and tries again.</summary>
    internal const int ConflictRetries = 64;

    /// <summary>JetStream's "no message found" (a stream message get for a subject that has none).</summary>
    private const int NoMessageFound = 10037;

    /// <summary>JetStream's "wrong last sequence" (a compare-and-set that lost).</summary>
    private const int WrongLastSequence = 10071;

    /// <summary>The longest opening (or creating) the bucket may take, once per process.</summary>
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(10);

    private readonly IFleetNats _nats;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<bool> _conflicts;
    private readonly SemaphoreSlim _storeGate = new(1, 1);
    private INatsKVStore? _store;

    public NatsGpuLedger(IFleetNats nats, TimeProvider time, ILogger logger)
    {
        _nats = nats;
        _time = time;
        _logger = logger;
        Bucket = nats.KeyPrefix + "gpu-ledger";
        _conflicts = new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = new PredicateBuilder<bool>().HandleResult(false),
                MaxRetryAttempts = ConflictRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(2),
                MaxDelay = TimeSpan.FromMilliseconds(100),
                OnRetry = args =>
                {
                    LogConflict(_logger, Bucket, args.AttemptNumber + 1);
                    return default;
                },
            })
            .Build();
    }

    public string Name => "nats";

    /// <summary>Gets the bucket's name.</summary>
    public string Bucket { get; }

    public Task<ReserveOutcome> ReserveAsync(GpuId gpu, long leasableMib, LedgerEntry entry, TimeSpan ttl, string? pendingId, CancellationToken cancellationToken) =>
        ChangeAsync(gpu, "reserve a GPU lease", (record, now) =>
        {
            var outcome = record.Reserve(now, leasableMib, entry, ttl, pendingId);
            return (outcome, outcome.Granted);
        }, cancellationToken);

    public Task<RenewOutcome> RenewAsync(GpuId gpu, string leaseId, long token, TimeSpan ttl, CancellationToken cancellationToken) =>
        ChangeAsync(gpu, "renew a GPU lease", (record, now) =>
        {
            var outcome = record.Renew(now, leaseId, token, ttl);
            return (outcome, outcome.Status == RenewStatus.Renewed);
        }, cancellationToken);

    public Task<bool> ReleaseAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken) =>
        ChangeAsync(gpu, "release a GPU lease", (record, now) =>
        {
            var released = record.Release(now, leaseId, token);
            return (released, released);
        }, cancellationToken);

    public Task<int> PreemptAsync(GpuId gpu, IReadOnlyList<string> victims, TimeSpan grace, LedgerEntry pending, TimeSpan pendingTtl, CancellationToken cancellationToken) =>
        ChangeAsync(gpu, "preempt GPU leases", (record, now) => (record.Preempt(now, victims, grace, pending, pendingTtl), true), cancellationToken);

    public Task<LeaseCheck> ValidateAsync(GpuId gpu, string leaseId, long token, CancellationToken cancellationToken) =>
        ChangeAsync(gpu, "validate a GPU lease", (record, now) => (record.Validate(now, leaseId, token), false), cancellationToken);

    public async Task<IReadOnlyList<GpuLedgerView>> SnapshotAsync(IReadOnlyList<GpuId> gpus, bool includeOthers, CancellationToken cancellationToken)
    {
        try
        {
            var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
            var keys = gpus.Select(LedgerKey).ToList();
            if (includeOthers)
            {
                var others = await _nats.RunAsync("list the GPU ledger's keys", ct => ListAsync(store, ct), _nats.OperationTimeout, cancellationToken).ConfigureAwait(false);
                keys.AddRange(others.Where(k => k.StartsWith("g.", StringComparison.Ordinal) && !keys.Contains(k)));
            }

            var reads = keys.Select(key => ReadViewAsync(store, key, cancellationToken)).ToList();
            await Task.WhenAll(reads).ConfigureAwait(false);
            var now = Now();
            var views = new List<GpuLedgerView>(keys.Count);
            for (var i = 0; i < keys.Count; i++)
            {
                var (document, usage) = await reads[i].ConfigureAwait(false);
                var gpu = i < gpus.Count ? gpus[i] : new GpuId(document.Machine, document.Index);
                views.Add(ToRecord(document).View(now, gpu, usage is { } u && u.ExpiresAtMs > now ? u.UsedMib : null));
            }

            return views;
        }
        catch (CoordinationUnavailableException ex)
        {
            throw GpuSchedulingErrors.LedgerUnavailable(ex);
        }
    }

    public async Task ReportUsageAsync(GpuId gpu, long usedMib, TimeSpan ttl, CancellationToken cancellationToken)
    {
        try
        {
            var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
            var usage = new NatsGpuUsageDocument { UsedMib = usedMib, ExpiresAtMs = Now() + GpuLedgerRecord.Ms(ttl) };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(usage, NatsGpuLedgerJsonContext.Default.NatsGpuUsageDocument);
            await _nats.RunAsync("report GPU usage", ct => store.PutAsync(UsageKey(gpu), bytes, cancellationToken: ct), _nats.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (CoordinationUnavailableException ex)
        {
            throw GpuSchedulingErrors.LedgerUnavailable(ex);
        }
    }

    /// <summary>A GPU's ledger key: <c>g.</c> then the machine (bytes outside letters, digits, '-' and '_' as <c>=XX</c>) then the index.</summary>
    internal static string LedgerKey(GpuId gpu) => "g." + KeyPart(gpu);

    private static string UsageKey(GpuId gpu) => "u." + KeyPart(gpu);

    private static string KeyPart(GpuId gpu)
    {
        var key = new StringBuilder(gpu.Machine.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(gpu.Machine))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                key.Append(c);
            }
            else
            {
                key.Append(CultureInfo.InvariantCulture, $"={b:X2}");
            }
        }

        return key.Append(CultureInfo.InvariantCulture, $".{gpu.Index}").ToString();
    }

    /// <summary>Reads the GPU's record, applies <paramref name="change"/> on the ledger clock and, when it changed the record, writes it back by compare-and-set; a lost race reads again.</summary>
    private async Task<T> ChangeAsync<T>(GpuId gpu, string what, Func<GpuLedgerRecord, long, (T Result, bool Changed)> change, CancellationToken cancellationToken)
    {
        var key = LedgerKey(gpu);
        try
        {
            var store = await StoreAsync(cancellationToken).ConfigureAwait(false);
            T result = default!;
            var written = await _conflicts.ExecuteAsync(
                async ct =>
                {
                    var (data, revision) = await _nats.RunAsync(what, c => ReadAsync(store, key, c), _nats.OperationTimeout, ct).ConfigureAwait(false);
                    var record = ToRecord(Decode(data));
                    (result, var changed) = change(record, Now());
                    return !changed || await _nats.RunAsync(what, c => TryWriteAsync(key, Encode(gpu, record), revision, c), _nats.OperationTimeout, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            return written ? result : throw GpuSchedulingErrors.LedgerContended(gpu, ConflictRetries + 1);
        }
        catch (CoordinationUnavailableException ex)
        {
            throw GpuSchedulingErrors.LedgerUnavailable(ex);
        }
    }

    /// <summary>
    /// Writes a key only if its last revision is still <paramref name="revision"/>: false when another writer got there
    /// first. Two headers make it so: the expected last subject sequence, and a message id naming the revision the write
    /// was based on. The id is what makes it hold on a replicated bucket with nats-server before 2.9.21, which checks the
    /// expected sequence only on the leader before replication, so two writes from one revision can both pass that
    /// check; the duplicate id is refused when the writes are applied, in order, on every replica.
    /// </summary>
    private async ValueTask<bool> TryWriteAsync(string key, byte[] value, ulong revision, CancellationToken cancellationToken)
    {
        var opts = new NatsJSPubOpts { ExpectedLastSubjectSequence = revision, MsgId = string.Create(CultureInfo.InvariantCulture, $"{key}@{revision}") };
        var result = await _nats.JetStream.TryPublishAsync($"$KV.{Bucket}.{key}", value, opts: opts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            throw result.Error;
        }

        var ack = result.Value;
        return ack.Error switch
        {
            null => !ack.Duplicate,
            { ErrCode: WrongLastSequence } => false,
            var error => throw new NatsJSApiException(error),
        };
    }

    /// <summary>The bucket, created on first use when it does not exist (file storage, one revision per key, no expiry, no direct gets).</summary>
    private async ValueTask<INatsKVStore> StoreAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _store) is { } ready)
        {
            return ready;
        }

        await _storeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_store is null)
            {
                var store = await OpenAsync(cancellationToken).ConfigureAwait(false);
                LogBucketReady(_logger, Bucket, _nats.Replicas);
                Volatile.Write(ref _store, store);
            }

            return _store;
        }
        finally
        {
            _storeGate.Release();
        }
    }

    private async Task<INatsKVStore> OpenAsync(CancellationToken cancellationToken)
    {
        // The first call also waits for the connection; opening (and, once per fleet, creating a replicated file
        // stream) can take seconds on a busy cluster, so it gets a longer deadline than one operation.
        var openTimeout = TimeSpan.FromTicks(Math.Max(_nats.OperationTimeout.Ticks, OpenTimeout.Ticks));
        var existing = await _nats.RunAsync("open the GPU ledger bucket", ct => TryGetStoreAsync(ct), openTimeout, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }

        // A key-value bucket is a stream; this one is made by hand to turn direct gets off, so reads are
        // answered by the leader. The same configuration from two machines at once is harmless.
        var config = new StreamConfig("KV_" + Bucket, ["$KV." + Bucket + ".>"])
        {
            MaxMsgsPerSubject = 1,
            Storage = StreamConfigStorage.File,
            NumReplicas = _nats.Replicas,
            AllowRollupHdrs = true,
            DenyDelete = true,
            AllowDirect = false,
            Discard = StreamConfigDiscard.New,
            DuplicateWindow = TimeSpan.FromMinutes(2),
            Retention = StreamConfigRetention.Limits,
        };
        await _nats.RunAsync("create the GPU ledger bucket", ct => _nats.JetStream.CreateStreamAsync(config, ct), openTimeout, cancellationToken).ConfigureAwait(false);
        return await _nats.RunAsync("open the GPU ledger bucket", ct => _nats.KeyValue.GetStoreAsync(Bucket, ct), openTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<INatsKVStore?> TryGetStoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _nats.KeyValue.GetStoreAsync(Bucket, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
    }

    /// <summary>A key's value and revision; absent (revision 0) or deleted (the delete marker's revision, empty) reads as no value.</summary>
    private static async ValueTask<(byte[]? Data, ulong Revision)> ReadAsync(INatsKVStore store, string key, CancellationToken cancellationToken)
    {
        NatsResult<NatsKVEntry<byte[]>> result;
        try
        {
            result = await store.TryGetEntryAsync<byte[]>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == NoMessageFound)
        {
            // Reads through the stream leader (no direct get) answer a missing key with this error.
            return (null, 0);
        }

        if (result.Success)
        {
            return (result.Value.Value, result.Value.Revision);
        }

        return result.Error switch
        {
            NatsKVKeyNotFoundException => (null, 0),
            NatsKVKeyDeletedException deleted => (null, deleted.Revision),
            var error => throw error,
        };
    }

    private static async ValueTask<List<string>> ListAsync(INatsKVStore store, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in store.GetKeysAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(key);
        }

        return keys;
    }

    private async Task<(NatsGpuLedgerDocument Document, NatsGpuUsageDocument? Usage)> ReadViewAsync(INatsKVStore store, string key, CancellationToken cancellationToken)
    {
        var ledger = _nats.RunAsync("read the GPU ledger", ct => ReadAsync(store, key, ct), _nats.OperationTimeout, cancellationToken);
        var usage = _nats.RunAsync("read GPU usage", ct => ReadAsync(store, "u." + key[2..], ct), _nats.OperationTimeout, cancellationToken);
        var document = Decode((await ledger.ConfigureAwait(false)).Data);
        var used = (await usage.ConfigureAwait(false)).Data is { Length: > 0 } bytes
            ? JsonSerializer.Deserialize(bytes, NatsGpuLedgerJsonContext.Default.NatsGpuUsageDocument)
            : null;
        return (document, used);
    }

    private static NatsGpuLedgerDocument Decode(byte[]? data) =>
        data is { Length: > 0 }
            ? JsonSerializer.Deserialize(data, NatsGpuLedgerJsonContext.Default.NatsGpuLedgerDocument) ?? new NatsGpuLedgerDocument()
            : new NatsGpuLedgerDocument();

    private static GpuLedgerRecord ToRecord(NatsGpuLedgerDocument document)
    {
        var record = new GpuLedgerRecord { Fence = document.Fence };
        foreach (var entry in document.Entries)
        {
            record.Entries[entry.LeaseId] = entry;
        }

        return record;
    }

    private static byte[] Encode(GpuId gpu, GpuLedgerRecord record) => JsonSerializer.SerializeToUtf8Bytes(
        new NatsGpuLedgerDocument { Machine = gpu.Machine, Index = gpu.Index, Fence = record.Fence, Entries = [.. record.Entries.Values] },
        NatsGpuLedgerJsonContext.Default.NatsGpuLedgerDocument);

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
