using System.Collections.Concurrent;
using System.Diagnostics;
using Fleet.Sdk.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// <see cref="IGpuScheduler"/> over a ledger: reads the GPUs' entries, decides with
/// <see cref="GpuPlacer"/>, and reserves atomically in the ledger (which re-checks capacity, so a
/// decision made on a stale read can lose a race but never over-commit). Leases renew by heartbeat.
/// </summary>
internal sealed partial class GpuScheduler : IGpuScheduler, IAsyncDisposable
{
    private const int MaxImmediateRetries = 3;

    private readonly IGpuLedger _ledger;
    private readonly IOptionsMonitor<FleetTopologyOptions> _topology;
    private readonly IMachineLiveness _liveness;
    private readonly GpuSchedulingOptions _options;
    private readonly GpuMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _holder;
    private readonly ConcurrentDictionary<string, GpuLease> _held = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline<GpuAcquireResult?> _acquireRetry;

    public GpuScheduler(IGpuLedger ledger, IOptionsMonitor<FleetTopologyOptions> topology, IMachineLiveness liveness, GpuSchedulingOptions options, string machine, GpuMetrics metrics, TimeProvider time, ILogger logger)
    {
        _ledger = ledger;
        _topology = topology;
        _liveness = liveness;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        Machine = machine;
        _holder = $"{machine}:{Environment.ProcessId}";
        _acquireRetry = GpuAcquireRetry.Create(time, options.RetryInterval);
    }

    public string Machine { get; }

    internal IGpuLedger Ledger => _ledger;

    public async Task<GpuAcquireResult> AcquireAsync(GpuRequest request, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        GpuSchedulingErrors.ThrowIfInvalid(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        var started = _time.GetTimestamp();
        var leaseId = Guid.NewGuid().ToString("N");
        var pendingId = "p-" + leaseId;
        (GpuDevice Device, GpuVariant Variant)? pending = null;
        var races = 0;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var result = await _acquireRetry.ExecuteAsync(
                async context =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var gpus = await ReadAsync(cancellationToken).ConfigureAwait(false);
                    if (pending is { } p)
                    {
                        var outcome = await _ledger.ReserveAsync(p.Device.Id, p.Device.LeasableMib, Entry(leaseId, request, p.Variant), _options.LeaseTtl, pendingId, cancellationToken).ConfigureAwait(false);
                        if (outcome.Granted)
                        {
                            pending = null;
                            return Granted(request, p.Device, p.Variant, leaseId, outcome, started);
                        }

                        if (!gpus.Any(g => g.Device.Id == p.Device.Id && g.Entries.Any(e => e.LeaseId == pendingId)))
                        {
                            pending = null; // The evictions did not drain in time; decide again.
                            return GpuAcquireRetry.Again(context, backOff: false);
                        }

                        return GpuAcquireRetry.Again(context, backOff: true);
                    }

                    var watch = Stopwatch.StartNew();
                    var decision = GpuPlacer.Decide(gpus, request);
                    _metrics.PlacementDecided(watch.Elapsed);
                    switch (decision.Kind)
                    {
                        case PlacementKind.Place:
                        {
                            var device = decision.Gpu!.Device;
                            var outcome = await _ledger.ReserveAsync(device.Id, device.LeasableMib, Entry(leaseId, request, decision.Variant!), _options.LeaseTtl, null, cancellationToken).ConfigureAwait(false);
                            if (outcome.Granted)
                            {
                                return Granted(request, device, decision.Variant!, leaseId, outcome, started);
                            }

                            // Another caller reserved first: read again; after a few, back off like a miss.
                            LogRaceLost(_logger, request.Workload, device.Id.ToString());
                            var backOff = ++races > MaxImmediateRetries;
                            if (backOff)
                            {
                                races = 0;
                            }

                            return GpuAcquireRetry.Again(context, backOff);
                        }

                        case PlacementKind.Preempt:
                        {
                            var device = decision.Gpu!.Device;
                            var victims = decision.Victims;
                            var marked = await _ledger.PreemptAsync(device.Id, victims.Select(v => v.LeaseId).ToList(), _options.PreemptionGrace, Entry(pendingId, request, decision.Variant!), _options.PreemptionGrace + _options.LeaseTtl, cancellationToken).ConfigureAwait(false);
                            foreach (var victim in victims)
                            {
                                LogEvicting(_logger, victim.Workload, victim.LeaseId, victim.Priority, victim.VramMib, device.Id.ToString(), request.Workload, request.Priority, _options.PreemptionGrace.TotalSeconds);
                            }

                            _metrics.Evicted(marked, device.Id);
                            pending = (device, decision.Variant!);
                            return GpuAcquireRetry.Again(context, backOff: false);
                        }

                        default:
                            if (_time.GetElapsedTime(started) >= wait)
                            {
                                _metrics.Unplaced(request.Workload);
                                LogDoesNotFit(_logger, request.Workload, decision.Reason!);
                                return GpuAcquireResult.DoesNotFit(decision.Reason!, decision.Candidates);
                            }

                            return GpuAcquireRetry.Again(context, backOff: true);
                    }
                },
                context).ConfigureAwait(false);
            return result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            if (pending is { } p)
            {
                await CancelPendingAsync(p.Device.Id, pendingId).ConfigureAwait(false);
            }
        }
    }

    public async Task<GpuLeaseValidity> ValidateAsync(GpuFencingToken token, CancellationToken cancellationToken = default)
    {
        var check = await _ledger.ValidateAsync(new GpuId(token.Machine, token.GpuIndex), token.LeaseId, token.Token, cancellationToken).ConfigureAwait(false);
        var validity = check.State switch
        {
            EntryState.Active => GpuLeaseValidity.Valid,
            EntryState.Revoking => GpuLeaseValidity.Revoking,
            _ => GpuLeaseValidity.Stale,
        };
        if (validity == GpuLeaseValidity.Stale)
        {
            _metrics.StaleRefused();
            LogStale(_logger, token.ToString(), check.CurrentFence);
        }

        return validity;
    }

    public async Task<IReadOnlyList<GpuDeviceStatus>> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var inventory = Inventory();
        var live = await _liveness.LiveMachinesAsync(cancellationToken).ConfigureAwait(false);
        var views = await _ledger.SnapshotAsync(inventory.Select(d => d.Id).ToList(), includeOthers: true, cancellationToken).ConfigureAwait(false);
        var statuses = new List<GpuDeviceStatus>(views.Count);
        foreach (var view in views)
        {
            var device = inventory.FirstOrDefault(d => d.Id == view.Gpu) ?? new GpuDevice(view.Gpu, "(not in inventory)", 0, 0);
            var status = new GpuDeviceStatus(
                device.Id.Machine,
                device.Id.Index,
                device.Name,
                device.CapacityMib,
                device.SafetyMarginMib,
                view.ReservedMib,
                view.UsedMib,
                live is null || live.Contains(device.Id.Machine),
                view.Fence,
                view.Entries.OrderBy(e => e.ExpiresAtMs).Select(e => new GpuLeaseInfo(e.LeaseId, e.Workload, e.Variant, e.Holder, e.VramMib, e.Priority, Public(e.State), e.Token, DateTimeOffset.FromUnixTimeMilliseconds(e.ExpiresAtMs))).ToList());
            statuses.Add(status);
        }

        return statuses.OrderBy(s => s.Machine, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.GpuIndex).ToList();
    }

    public async Task<IReadOnlyList<GpuPlacementPlan>> PlanAsync(IEnumerable<GpuRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var gpus = (await ReadAsync(cancellationToken).ConfigureAwait(false)).ToList();
        var plans = new List<GpuPlacementPlan>();
        var n = 0;
        foreach (var request in requests)
        {
            GpuSchedulingErrors.ThrowIfInvalid(request);
            var decision = GpuPlacer.Decide(gpus, request);
            if (decision.Kind == PlacementKind.NoFit)
            {
                plans.Add(new GpuPlacementPlan(request, null, null, null, 0, [], decision.Reason));
                continue;
            }

            var target = decision.Gpu!;
            var victims = decision.Victims.Select(v => v.LeaseId).ToHashSet(StringComparer.Ordinal);
            var planned = Entry($"plan-{n++}", request, decision.Variant!);
            var index = gpus.IndexOf(target);
            gpus[index] = target with { Entries = [.. target.Entries.Where(e => !victims.Contains(e.LeaseId)), planned] };
            plans.Add(new GpuPlacementPlan(request, target.Device.Id.Machine, target.Device.Id.Index, decision.Variant!.Name, decision.Variant.VramMib, decision.Victims.Select(v => v.Workload).ToList(), null));
        }

        return plans;
    }

    /// <summary>
    /// Renews every renew interval. The holder gives the lease up at its local expiry (measured from
    /// before the last successful renewal was sent) even while a renewal is still in flight, so it
    /// stops using the GPU no later than the ledger can hand the VRAM to someone else.
    /// </summary>
    internal async Task HeartbeatAsync(GpuLease lease, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var delay = Remaining(lease) < _options.EffectiveRenewInterval ? Remaining(lease) : _options.EffectiveRenewInterval;
            await Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, _time, stop).ConfigureAwait(false);
            var remaining = Remaining(lease);
            if (remaining <= TimeSpan.Zero)
            {
                Lose(lease, "it expired before a renewal succeeded");
                return;
            }

            try
            {
                var state = await RenewAsync(lease, stop).WaitAsync(remaining, _time, stop).ConfigureAwait(false);
                if (state is GpuLeaseState.Lost or GpuLeaseState.Released)
                {
                    return;
                }
            }
            catch (TimeoutException)
            {
                Lose(lease, "no renewal answered before it expired");
                return;
            }
            catch (GpuLedgerUnavailableException ex)
            {
                LogRenewFailed(_logger, lease.Workload, lease.LeaseId, ex.Message);
            }
        }
    }

    internal async Task<GpuLeaseState> RenewAsync(GpuLease lease, CancellationToken cancellationToken)
    {
        if (lease.State is GpuLeaseState.Lost or GpuLeaseState.Released)
        {
            return lease.State;
        }

        var sent = _time.GetTimestamp();
        var outcome = await _ledger.RenewAsync(lease.Gpu, lease.LeaseId, lease.FencingToken, _options.LeaseTtl, cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case RenewStatus.Renewed:
                lease.Renewed(DateTimeOffset.FromUnixTimeMilliseconds(outcome.ExpiresAtMs), LocalDeadline(sent, _options.LeaseTtl));
                break;
            case RenewStatus.Revoking:
                var deadline = DateTimeOffset.FromUnixTimeMilliseconds(outcome.ExpiresAtMs);
                if (lease.Revoked(deadline, LocalDeadline(sent, TimeSpan.FromMilliseconds(outcome.ExpiresAtMs - outcome.NowMs))))
                {
                    LogRevoked(_logger, lease.Workload, lease.LeaseId, lease.Gpu.ToString(), deadline);
                }

                if (_time.GetTimestamp() >= lease.LocalExpiry)
                {
                    Lose(lease, "its preemption grace period ended");
                }

                break;
            default:
                Lose(lease, "the ledger no longer holds it (expired, evicted, or superseded)");
                break;
        }

        return lease.State;
    }

    /// <summary>Releases every lease this scheduler still holds (the process is shutting down: a clean stop frees the VRAM at once instead of after a TTL).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var lease in _held.Values)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal async Task ReleaseAsync(GpuLease lease, CancellationToken cancellationToken)
    {
        _held.TryRemove(lease.LeaseId, out _);
        try
        {
            await _ledger.ReleaseAsync(lease.Gpu, lease.LeaseId, lease.FencingToken, cancellationToken).ConfigureAwait(false);
            _metrics.Released(lease.Gpu);
            LogReleased(_logger, lease.Workload, lease.LeaseId, lease.Gpu.ToString());
        }
        catch (GpuLedgerUnavailableException ex)
        {
            LogReleaseFailed(_logger, lease.Workload, lease.LeaseId, ex.Message);
        }
    }

    /// <summary>Reports memory pressure (log and metric) on this machine's GPUs; each machine's node reports its own.</summary>
    internal async Task CheckMemoryPressureAsync(CancellationToken cancellationToken)
    {
        foreach (var status in await GetStatusAsync(cancellationToken).ConfigureAwait(false))
        {
            if (status.UnderMemoryPressure && string.Equals(status.Machine, Machine, StringComparison.OrdinalIgnoreCase))
            {
                _metrics.MemoryPressure(new GpuId(status.Machine, status.GpuIndex));
                LogMemoryPressure(_logger, $"{status.Machine}/{status.GpuIndex}", status.UsedMib ?? 0, status.ReservedMib);
            }
        }
    }

    internal void HandlerFailed(GpuLease lease, Exception exception) => LogHandlerFailed(_logger, lease.Workload, exception);

    internal IReadOnlyList<GpuDevice> Inventory() => GpuInventory.Build(_topology.CurrentValue.Topology, _options);

    private void Lose(GpuLease lease, string why)
    {
        _held.TryRemove(lease.LeaseId, out _);
        if (lease.MarkLost())
        {
            _metrics.Lost(lease.Gpu);
            LogLost(_logger, lease.Workload, lease.LeaseId, lease.Gpu.ToString(), why);
        }
    }

    private async Task<IReadOnlyList<PlacementGpu>> ReadAsync(CancellationToken cancellationToken)
    {
        var inventory = Inventory();
        var live = await _liveness.LiveMachinesAsync(cancellationToken).ConfigureAwait(false);
        var views = await _ledger.SnapshotAsync(inventory.Select(d => d.Id).ToList(), includeOthers: false, cancellationToken).ConfigureAwait(false);
        var byId = views.ToDictionary(v => v.Gpu);
        return inventory
            .Select(d => new PlacementGpu(d, live is null || live.Contains(d.Id.Machine), byId.TryGetValue(d.Id, out var view) ? view.Entries : []))
            .ToList();
    }

    private GpuAcquireResult Granted(GpuRequest request, GpuDevice device, GpuVariant variant, string leaseId, ReserveOutcome outcome, long started)
    {
        var entry = Entry(leaseId, request, variant);
        var lease = new GpuLease(this, device.Id, device.Name, entry, outcome.Token, DateTimeOffset.FromUnixTimeMilliseconds(outcome.ExpiresAtMs), LocalDeadline(started, _options.LeaseTtl));
        _held[leaseId] = lease;
        _metrics.Granted(device.Id, _time.GetElapsedTime(started));
        LogGranted(_logger, request.Workload, variant.Name, variant.VramMib, device.Id.ToString(), outcome.Token, leaseId);
        return GpuAcquireResult.Granted(lease);
    }

    private async Task CancelPendingAsync(GpuId gpu, string pendingId)
    {
        try
        {
            await _ledger.ReleaseAsync(gpu, pendingId, 0, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GpuLedgerUnavailableException ex)
        {
            LogReleaseFailed(_logger, "(pending preemption)", pendingId, ex.Message);
        }
    }

    private LedgerEntry Entry(string id, GpuRequest request, GpuVariant variant) =>
        new(id, request.Workload, variant.Name, _holder, variant.VramMib, request.Priority);

    /// <summary>The local timestamp by which a lease renewed at <paramref name="sent"/> has surely expired in the ledger (measured from before the request left).</summary>
    private long LocalDeadline(long sent, TimeSpan ttl) => sent + (long)(ttl.TotalSeconds * _time.TimestampFrequency);

    private TimeSpan Remaining(GpuLease lease) =>
        TimeSpan.FromSeconds((lease.LocalExpiry - _time.GetTimestamp()) / (double)_time.TimestampFrequency);

    private static GpuLeaseState Public(EntryState state) => state switch
    {
        EntryState.Revoking => GpuLeaseState.Revoking,
        EntryState.Pending => GpuLeaseState.Pending,
        _ => GpuLeaseState.Active,
    };
}
