namespace Fleet.Sdk.Events.Tests;

/// <summary>The durable stream retry on a fake clock: Polly waits on the streams' TimeProvider, so no test sleeps through a back-off.</summary>
public sealed class DurableStreamRetryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ExecuteAsync_RedisUnreachable_BacksOffWithinEachStepOnTheGivenClockThenGivesUpAtTheDeadline()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var deadline = TimeSpan.FromSeconds(1);
        var retried = 0;
        var calls = 0;
        var budget = new RetryBudget(time, deadline, (_, _) => Interlocked.Increment(ref retried));

        var run = DurableStreamRetry.Create(time).ExecuteAsync<int>(
            budget,
            _ =>
            {
                Interlocked.Increment(ref calls);
                throw new DurableStreamUnavailableException("Redis is down");
            },
            CancellationToken.None);

        var step = 0;
        while (true)
        {
            Assert.True(await Poll.UntilAsync(() => run.IsCompleted || time.PendingTimers == 1, Wait), "the retry neither waited nor finished");
            if (run.IsCompleted)
            {
                break;
            }

            // Each wait is at most its back-off step (50 ms doubling to 1 s): advancing by the step runs the next attempt.
            var before = Volatile.Read(ref calls);
            time.Advance(TimeSpan.FromMilliseconds(Math.Min(50 << Math.Min(step, 5), 1000)));
            step++;
            Assert.True(await Poll.UntilAsync(() => run.IsCompleted || Volatile.Read(ref calls) > before, Wait), $"retry {step} did not run within its back-off step");
        }

        var error = await Assert.ThrowsAsync<DurableStreamUnavailableException>(() => run);
        Assert.Equal("Redis is down", error.Message);
        Assert.True(time.GetUtcNow() - start >= deadline, "gave up before the deadline");
        Assert.Equal(calls, budget.Attempts);
        Assert.Equal(calls - 1, retried);
        Assert.True(calls >= 5, $"{calls} attempts: the back-off steps (50, 100, 200, 400 ms) fit at least four retries into 1 s");
    }
}
