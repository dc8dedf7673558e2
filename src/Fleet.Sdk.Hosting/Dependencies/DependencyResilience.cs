using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// The retries and timeouts of the dependency probes, in one place, on Polly. At start-up a
/// dependency that does not answer is probed again after 100 ms, doubling to 1 s, never past its
/// deadline (<see cref="AgentDependency.Timeout"/>); each probe has its own timeout, at most
/// <see cref="HostingConstants.ProbeTimeout"/>.
/// </summary>
internal static class DependencyResilience
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(1);
    private static readonly ResiliencePropertyKey<long> StartedKey = new("Fleet.Sdk.Hosting.DependencyWaitStarted");
    private static readonly ResiliencePropertyKey<TimeSpan> DeadlineKey = new("Fleet.Sdk.Hosting.DependencyDeadline");
    private static readonly ResiliencePropertyKey<TimeSpan> ProbeTimeoutKey = new("Fleet.Sdk.Hosting.ProbeTimeout");

    /// <summary>Builds the start-up wait: retries a probe that returned <see langword="false"/> until the deadline set by <see cref="WaitFor"/>.</summary>
    public static ResiliencePipeline<bool> StartupWait(TimeProvider time) =>
        new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null && !args.Outcome.Result && Remaining(args.Context, time) > TimeSpan.Zero),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args =>
                {
                    var step = args.AttemptNumber >= 4 ? MaxRetry : TimeSpan.FromTicks(Math.Min(FirstRetry.Ticks << args.AttemptNumber, MaxRetry.Ticks));
                    var remaining = Remaining(args.Context, time);
                    return ValueTask.FromResult<TimeSpan?>(step < remaining ? step : remaining);
                },
            })
            .Build();

    /// <summary>Builds the timeout of one probe, set by <see cref="WithProbeTimeout"/>.</summary>
    public static ResiliencePipeline ProbeTimeout(TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = static args => ValueTask.FromResult(args.Context.Properties.GetValue(ProbeTimeoutKey, HostingConstants.ProbeTimeout)),
            })
            .Build();

    /// <summary>Starts the wait for a dependency: its deadline runs from now.</summary>
    public static ResilienceContext WaitFor(TimeProvider time, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StartedKey, time.GetTimestamp());
        context.Properties.Set(DeadlineKey, deadline);
        return context;
    }

    /// <summary>Gets the time left before the dependency's deadline.</summary>
    public static TimeSpan Remaining(ResilienceContext context, TimeProvider time) =>
        context.Properties.GetValue(DeadlineKey, TimeSpan.Zero) - time.GetElapsedTime(context.Properties.GetValue(StartedKey, time.GetTimestamp()));

    /// <summary>A context for one probe that gives up after <paramref name="timeout"/> (at least 1 ms).</summary>
    public static ResilienceContext WithProbeTimeout(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ProbeTimeoutKey, timeout > TimeSpan.Zero ? timeout : TimeSpan.FromMilliseconds(1));
        return context;
    }
}
