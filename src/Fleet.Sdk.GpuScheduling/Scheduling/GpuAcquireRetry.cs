using Polly;
using Polly.Retry;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// The one retry policy of the package, on Polly: <see cref="IGpuScheduler.AcquireAsync"/> decides
/// again until an attempt returns a result. An attempt that returns none says, through
/// <see cref="BackOff"/>, whether to try again at once (a lost race, a preemption just marked, a
/// pending reservation gone) or after <see cref="GpuSchedulingOptions.RetryInterval"/> (nothing fits
/// yet, evictions still draining, several races lost in a row). A failure is thrown at once.
/// </summary>
internal static class GpuAcquireRetry
{
    /// <summary>Set by an attempt that returns no result: <see langword="true"/> waits the retry interval first.</summary>
    public static readonly ResiliencePropertyKey<bool> BackOff = new("Fleet.Sdk.GpuScheduling.BackOff");

    /// <summary>Builds the pipeline; waits run on <paramref name="time"/>.</summary>
    public static ResiliencePipeline<GpuAcquireResult?> Create(TimeProvider time, TimeSpan retryInterval) =>
        new ResiliencePipelineBuilder<GpuAcquireResult?> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<GpuAcquireResult?>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is null && args.Outcome.Result is null),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    args.Context.Properties.GetValue(BackOff, defaultValue: false) ? retryInterval : TimeSpan.Zero),
            })
            .Build();

    /// <summary>Ends an attempt without a result: try again, at once or after the retry interval.</summary>
    public static GpuAcquireResult? Again(ResilienceContext context, bool backOff)
    {
        context.Properties.Set(BackOff, backOff);
        return null;
    }
}
