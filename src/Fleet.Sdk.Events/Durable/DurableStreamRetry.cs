using Fleet.Sdk.Coordination;
using Polly;
using Polly.Retry;

namespace Fleet.Sdk.Events;

/// <summary>
/// The one retry policy of the package, on Polly: a durable stream call that finds the engine unreachable
/// (<see cref="DurableStreamUnavailableException"/>) is retried with back-off from 50 ms, doubling to
/// 1 s, with jitter (50 to 100 % of the step), never past its deadline
/// (<see cref="DurableStreamOptions.AppendDeadline"/>, <see cref="DurableStreamOptions.AckDeadline"/>);
/// then the last failure is thrown. Any other failure is thrown at once.
/// </summary>
internal static class DurableStreamRetry
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);
    private static readonly ResiliencePropertyKey<RetryBudget> BudgetKey = new("Fleet.Sdk.Events.RetryBudget");

    /// <summary>
    /// The retry of creating what a stream needs on the engine (a stream, a consumer group, a bucket). On a cluster
    /// each needs its replicas to elect a leader for it, which on a busy cluster can outlast one operation's timeout;
    /// creating is idempotent, so a create that found the engine unavailable is tried again, 4 times at most, after
    /// 200 ms doubling to 1 s with jitter (about 12 s at worst with a 2 s operation timeout).
    /// </summary>
    public static ResiliencePipeline Setup { get; } =
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<CoordinationUnavailableException>(),
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = MaxBackoff,
            })
            .Build();

    /// <summary>Builds the pipeline; waits run on <paramref name="time"/>.</summary>
    public static ResiliencePipeline Create(TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is DurableStreamUnavailableException && Budget(args.Context).Remaining > TimeSpan.Zero),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(Delay(args.AttemptNumber, Budget(args.Context).Remaining)),
                OnRetry = static args =>
                {
                    Budget(args.Context).Retrying((DurableStreamUnavailableException)args.Outcome.Exception!);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails otherwise, or <paramref name="budget"/>'s deadline passes.</summary>
    public static async Task<T> ExecuteAsync<T>(this ResiliencePipeline pipeline, RetryBudget budget, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(BudgetKey, budget);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (context, attempt) =>
                {
                    Budget(context).Attempt();
                    return await attempt(context.CancellationToken).ConfigureAwait(false);
                },
                context,
                attempt).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The wait before retry <paramref name="attempt"/> + 1: the back-off step, cut to what is left, with jitter.</summary>
    private static TimeSpan Delay(int attempt, TimeSpan remaining)
    {
        var step = attempt >= 5 ? MaxBackoff : TimeSpan.FromTicks(Math.Min(FirstBackoff.Ticks << attempt, MaxBackoff.Ticks));
        var delay = step < remaining ? step : remaining;
        return delay > TimeSpan.Zero ? delay * (0.5 + (Random.Shared.NextDouble() / 2)) : TimeSpan.Zero;
    }

    private static RetryBudget Budget(ResilienceContext context) =>
        context.Properties.TryGetValue(BudgetKey, out var budget)
            ? budget
            : throw new InvalidOperationException("A durable stream retry ran without its budget; call it through DurableStreamRetry.ExecuteAsync.");
}
