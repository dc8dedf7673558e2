namespace Fleet.Sdk.GpuScheduling;

/// <summary>The outcome of <see cref="IGpuScheduler.AcquireAsync"/>: a lease, or why the request fits nowhere.</summary>
public sealed class GpuAcquireResult
{
    private GpuAcquireResult(GpuLease? lease, string? reason, IReadOnlyList<GpuCandidate> candidates)
    {
        Lease = lease;
        Reason = reason;
        Candidates = candidates;
    }

    /// <summary>Gets a value indicating whether a lease was granted.</summary>
    public bool Succeeded => Lease is not null;

    /// <summary>Gets the lease, when granted.</summary>
    public GpuLease? Lease { get; }

    /// <summary>Gets why no lease was granted, when none was.</summary>
    public string? Reason { get; }

    /// <summary>Gets the best GPUs considered, best first, each with why it was not (or was) chosen.</summary>
    public IReadOnlyList<GpuCandidate> Candidates { get; }

    internal static GpuAcquireResult Granted(GpuLease lease) => new(lease, null, []);

    internal static GpuAcquireResult DoesNotFit(string reason, IReadOnlyList<GpuCandidate> candidates) => new(null, reason, candidates);

    /// <inheritdoc />
    public override string ToString() => Lease is { } lease
        ? $"granted {lease}"
        : $"does not fit: {Reason}" + string.Concat(Candidates.Select(c => $"{Environment.NewLine}  {c}"));
}
