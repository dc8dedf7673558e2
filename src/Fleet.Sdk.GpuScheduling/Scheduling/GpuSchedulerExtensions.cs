namespace Fleet.Sdk.GpuScheduling;

/// <summary>Conveniences over <see cref="IGpuScheduler"/>.</summary>
public static class GpuSchedulerExtensions
{
    /// <summary>Places a request without waiting for room.</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lease, or why the request does not fit.</returns>
    public static Task<GpuAcquireResult> AcquireAsync(this IGpuScheduler scheduler, GpuRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return scheduler.AcquireAsync(request, TimeSpan.Zero, cancellationToken);
    }
}
