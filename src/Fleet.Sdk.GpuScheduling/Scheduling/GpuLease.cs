namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// VRAM reserved on one GPU for one workload. It renews itself by heartbeat until released or
/// disposed; when the ledger refuses a renewal, or cannot be reached until the lease's expiry, the
/// lease is lost: <see cref="Lost"/> is cancelled and <see cref="StateChanged"/> raised. When a
/// higher-priority request evicts it, the state turns <see cref="GpuLeaseState.Revoking"/> with a
/// grace deadline: unload the model, then release. Pass <see cref="Token"/> to whatever serves the
/// model so it can refuse work under a stale token (<see cref="IGpuScheduler.ValidateAsync"/>).
/// </summary>
public sealed class GpuLease : IAsyncDisposable
{
    private readonly GpuScheduler _owner;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _heartbeat;
    private GpuLeaseState _state = GpuLeaseState.Active;
    private DateTimeOffset _expiresAt;
    private long _localExpiry;
    private DateTimeOffset? _revokeDeadline;
    private int _disposed;

    internal GpuLease(GpuScheduler owner, GpuId gpu, string gpuName, LedgerEntry entry, long token, DateTimeOffset expiresAt, long localExpiry)
    {
        _owner = owner;
        Gpu = gpu;
        GpuName = gpuName;
        Entry = entry;
        FencingToken = token;
        _expiresAt = expiresAt;
        _localExpiry = localExpiry;
        _heartbeat = Task.Run(() => owner.HeartbeatAsync(this, _stop.Token));
    }

    /// <summary>Raised (on a heartbeat thread) when the state changes: revoking, lost or released.</summary>
    public event EventHandler<GpuLeaseState>? StateChanged;

    /// <summary>Gets the lease id.</summary>
    public string LeaseId => Entry.LeaseId;

    /// <summary>Gets the workload.</summary>
    public string Workload => Entry.Workload;

    /// <summary>Gets the variant that was placed (the request's preferred one, or a fallback).</summary>
    public string Variant => Entry.Variant;

    /// <summary>Gets the machine.</summary>
    public string Machine => Gpu.Machine;

    /// <summary>Gets the GPU's index on the machine (CUDA_VISIBLE_DEVICES).</summary>
    public int GpuIndex => Gpu.Index;

    /// <summary>Gets the GPU's model.</summary>
    public string GpuName { get; }

    /// <summary>Gets the VRAM reserved, in MiB.</summary>
    public long VramMib => Entry.VramMib;

    /// <summary>Gets the priority.</summary>
    public int Priority => Entry.Priority;

    /// <summary>Gets the fencing token: higher than every token issued for this GPU before.</summary>
    public long FencingToken { get; }

    /// <summary>Gets the token to hand to whatever serves the model.</summary>
    public GpuFencingToken Token => new(Gpu.Machine, Gpu.Index, Entry.LeaseId, FencingToken);

    /// <summary>Gets when the lease expires unless renewed (ledger clock), as of the last renewal.</summary>
    public DateTimeOffset ExpiresAt
    {
        get
        {
            lock (_gate)
            {
                return _expiresAt;
            }
        }
    }

    /// <summary>Gets the lease's state as its holder knows it.</summary>
    public GpuLeaseState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Gets the deadline to unload by, once the lease is being revoked.</summary>
    public DateTimeOffset? RevokeDeadline
    {
        get
        {
            lock (_gate)
            {
                return _revokeDeadline;
            }
        }
    }

    /// <summary>Gets a token cancelled when the lease is lost, revoked past its grace deadline, or released: stop using the GPU.</summary>
    public CancellationToken Lost => _lost.Token;

    internal GpuId Gpu { get; }

    internal LedgerEntry Entry { get; }

    internal long LocalExpiry
    {
        get
        {
            lock (_gate)
            {
                return _localExpiry;
            }
        }
    }

    /// <summary>Renews the lease now (the heartbeat does this by itself).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state after the renewal.</returns>
    /// <exception cref="GpuLedgerUnavailableException">The ledger cannot be reached; the lease holds until <see cref="ExpiresAt"/>.</exception>
    public Task<GpuLeaseState> RenewAsync(CancellationToken cancellationToken = default) => _owner.RenewAsync(this, cancellationToken);

    /// <summary>Releases the VRAM and stops the heartbeat. Harmless when already lost or released.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the ledger dropped the lease (or could not be reached; the lease then expires by itself).</returns>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (Transition(GpuLeaseState.Released) is { } previous && previous is GpuLeaseState.Active or GpuLeaseState.Revoking)
        {
            await _owner.ReleaseAsync(this, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _heartbeat.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The heartbeat stops by cancellation.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
            _stop.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Workload}/{Variant} on {Machine}/{GpuIndex} ({GpuName}): {VramMib} MiB, token {FencingToken}, {State}";

    /// <summary>Stops renewing without releasing, as a hung or crashed holder would (for fault tests).</summary>
    internal void StopHeartbeat() => _stop.Cancel();

    internal void Renewed(DateTimeOffset expiresAt, long localExpiry)
    {
        lock (_gate)
        {
            _expiresAt = expiresAt;
            _localExpiry = localExpiry;
        }
    }

    internal bool Revoked(DateTimeOffset deadline, long localDeadline)
    {
        lock (_gate)
        {
            _revokeDeadline = deadline;
            _expiresAt = deadline;
            _localExpiry = Math.Min(_localExpiry, localDeadline);
        }

        return Transition(GpuLeaseState.Revoking) == GpuLeaseState.Active;
    }

    internal bool MarkLost() => Transition(GpuLeaseState.Lost) is GpuLeaseState.Active or GpuLeaseState.Revoking;

    /// <summary>Moves to <paramref name="next"/> unless already lost or released; returns the previous state when it moved.</summary>
    private GpuLeaseState? Transition(GpuLeaseState next)
    {
        GpuLeaseState previous;
        lock (_gate)
        {
            previous = _state;
            if (previous is GpuLeaseState.Lost or GpuLeaseState.Released || previous == next)
            {
                return null;
            }

            _state = next;
        }

        if (next is GpuLeaseState.Lost or GpuLeaseState.Released)
        {
            _lost.Cancel();
        }

        try
        {
            StateChanged?.Invoke(this, next);
        }
#pragma warning disable CA1031 // A holder's handler must not break the heartbeat.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _owner.HandlerFailed(this, ex);
        }

        return previous;
    }
}
