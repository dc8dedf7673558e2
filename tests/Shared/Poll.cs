using System.Diagnostics;

namespace Fleet.Sdk.Tests;

/// <summary>Waits for a condition by polling it until a deadline: tests never sleep a fixed time.</summary>
internal static class Poll
{
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }

        return true;
    }

    public static Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? interval = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, interval);

    /// <summary>
    /// Polls a condition that reads through an engine which can be briefly unreachable (a script that timed out on a loaded
    /// machine, a connection still being remade after a heal): an exception <paramref name="transient"/> accepts means
    /// "not yet", and polling goes on until the deadline. When the deadline passes while the condition still throws, the
    /// last error is reported (a <see cref="TimeoutException"/> with it as the inner exception); any other exception fails at once.
    /// </summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, Func<Exception, bool> transient, TimeSpan timeout, TimeSpan? interval = null)
    {
        Exception? last = null;
        var met = await UntilAsync(
            async () =>
            {
                try
                {
                    var result = await condition();
                    last = null;
                    return result;
                }
                catch (Exception ex) when (transient(ex))
                {
                    last = ex;
                    return false;
                }
            },
            timeout,
            interval);
        return met || last is null ? met : throw StillFailing(timeout, last);
    }

    /// <summary>
    /// Calls <paramref name="call"/> (given the time left until the deadline) until it returns without an exception
    /// <paramref name="transient"/> accepts; when the deadline passes, the last error is reported (a <see cref="TimeoutException"/>
    /// with it as the inner exception). Any other exception fails at once.
    /// </summary>
    public static async Task<T> ResultAsync<T>(Func<TimeSpan, Task<T>> call, Func<Exception, bool> transient, TimeSpan timeout, TimeSpan? interval = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var left = timeout - watch.Elapsed;
                return await call(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (Exception ex) when (transient(ex))
            {
                if (watch.Elapsed > timeout)
                {
                    throw StillFailing(timeout, ex);
                }
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20));
        }
    }

    private static TimeoutException StillFailing(TimeSpan timeout, Exception last) =>
        new($"still failing when the {timeout.TotalSeconds:0.#} s deadline passed; the last error: {last.GetType().Name}: {last.Message}", last);
}
