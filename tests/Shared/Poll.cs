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
}
