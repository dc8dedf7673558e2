using Fleet.Sdk.Tests;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>
/// The shared poll with transient errors (tests/Shared/Poll.cs). Regression for issue 16 item 8: a GPU partition test's
/// poll rethrew a Redis script timeout after the heal where it should have kept waiting.
/// </summary>
public sealed class PollTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static bool IsTransient(Exception ex) => ex is TimeoutException;

    [Fact]
    public async Task UntilAsync_TransientErrorsThenMet_KeepsPollingAndReturnsTrue()
    {
        var calls = 0;

        var met = await Poll.UntilAsync(
            () => ++calls < 4 ? throw new TimeoutException("script timed out") : Task.FromResult(calls >= 5),
            IsTransient,
            Deadline,
            TimeSpan.FromMilliseconds(1));

        Assert.True(met);
        Assert.Equal(5, calls);
    }

    [Fact]
    public async Task UntilAsync_StillThrowingAtTheDeadline_ReportsTheLastError()
    {
        var calls = 0;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Poll.UntilAsync(
            () => throw new TimeoutException($"script timed out ({++calls})"),
            IsTransient,
            TimeSpan.FromMilliseconds(100),
            TimeSpan.FromMilliseconds(1)));

        Assert.Contains("deadline passed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"script timed out ({calls})", error.Message, StringComparison.Ordinal);
        Assert.Equal($"script timed out ({calls})", error.InnerException!.Message);
    }

    [Fact]
    public async Task UntilAsync_ReachableButUnmetAtTheDeadline_ReturnsFalse()
    {
        var calls = 0;

        var met = await Poll.UntilAsync(
            () => ++calls == 1 ? throw new TimeoutException("first read timed out") : Task.FromResult(false),
            IsTransient,
            TimeSpan.FromMilliseconds(100),
            TimeSpan.FromMilliseconds(1));

        Assert.False(met);
        Assert.True(calls > 1);
    }

    [Fact]
    public async Task UntilAsync_NonTransientError_FailsAtOnce()
    {
        var calls = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => Poll.UntilAsync(
            () => { calls++; throw new InvalidOperationException("a real defect"); },
            IsTransient,
            Deadline));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task ResultAsync_TransientErrorsThenAnswer_ReturnsItWithTheTimeLeft()
    {
        var calls = 0;
        var lefts = new List<TimeSpan>();

        var answer = await Poll.ResultAsync(
            left =>
            {
                lefts.Add(left);
                return ++calls < 3 ? throw new TimeoutException("script timed out") : Task.FromResult("granted");
            },
            IsTransient,
            Deadline,
            TimeSpan.FromMilliseconds(1));

        Assert.Equal("granted", answer);
        Assert.Equal(3, calls);
        Assert.All(lefts, l => Assert.InRange(l, TimeSpan.Zero, Deadline));
        Assert.True(lefts[2] <= lefts[0], "each attempt gets what is left of the deadline");
    }

    [Fact]
    public async Task ResultAsync_StillThrowingAtTheDeadline_ReportsTheLastErrorAndNonTransientFailsAtOnce()
    {
        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => Poll.ResultAsync<int>(
            _ => throw new TimeoutException("unreachable"),
            IsTransient,
            TimeSpan.FromMilliseconds(100),
            TimeSpan.FromMilliseconds(1)));
        var calls = 0;
        await Assert.ThrowsAsync<ArgumentException>(() => Poll.ResultAsync<int>(
            _ => { calls++; throw new ArgumentException("bad request"); },
            IsTransient,
            Deadline));

        Assert.Contains("unreachable", timedOut.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(timedOut.InnerException);
        Assert.Equal(1, calls);
    }
}
