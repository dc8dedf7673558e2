using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Events;
using Xunit.Abstractions;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// Producers on several machines append keyed events to one durable stream while a fault runs; the workload
/// remembers every append that was acknowledged and every one that failed. After the heal it appends the failed
/// ones again with their keys, then reads the whole stream through a fresh group and counts acknowledged events
/// that are missing (lost: must be 0) and events stored twice (duplicates: must be 0).
/// </summary>
internal sealed class StreamLossWorkload
{
    public const string StreamName = "jobs";

    /// <summary>The pace of each producer (at most one append started per step), so a run stores thousands of events, not tens of thousands.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
    private readonly ConcurrentDictionary<string, string> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Producer, long StartedMs, long EndedMs, bool Succeeded)> _calls = new();
    private readonly ConcurrentDictionary<string, string> _lastErrors = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public int Acknowledged => _acknowledged.Count;

    public int Failed => _failed.Count;

    public long Now => _clock.ElapsedMilliseconds;

    /// <summary>Appends <c>{producer}-{i}</c> for i = 0, 1, ... until <paramref name="stop"/>; each failure is remembered and the next event follows.</summary>
    public async Task ProduceAsync(DurableStream stream, string producer, CancellationToken stop)
    {
        using var pace = new PeriodicTimer(Pace);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                await pace.WaitForNextTickAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var key = string.Create(CultureInfo.InvariantCulture, $"{producer}-{i}");
            var started = Now;
            try
            {
                var id = await stream.AppendAsync(key, idempotencyKey: key, CancellationToken.None);
                _acknowledged[key] = id;
                _calls.Enqueue((producer, started, Now, true));
            }
            catch (DurableStreamUnavailableException ex)
            {
                _failed[key] = 0;
                _calls.Enqueue((producer, started, Now, false));
                _lastErrors[producer] = $"at {Now} ms: {Describe(ex)}";
            }
        }
    }

    /// <summary>For a failure message: per producer, the appends acknowledged and failed since <paramref name="sinceMs"/>, and its last error.</summary>
    public string Progress(long sinceMs) =>
        string.Join(
            "; ",
            _calls.Select(c => c.Producer).Distinct().Order(StringComparer.Ordinal).Select(p =>
                $"{p}: {AcknowledgedSince(p, sinceMs)} acknowledged and {FailedSince(p, sinceMs).Count} failed since {sinceMs} ms (now {Now} ms), last error {_lastErrors.GetValueOrDefault(p, "none")}"));

    /// <summary>Acknowledged appends from <paramref name="producer"/> that started after <paramref name="sinceMs"/>.</summary>
    public int AcknowledgedSince(string producer, long sinceMs) => _calls.Count(c => c.Producer == producer && c.Succeeded && c.StartedMs >= sinceMs);

    /// <summary>Appends from <paramref name="producer"/> that started after <paramref name="sinceMs"/> and failed, with the longest time one took to fail.</summary>
    public (int Count, long SlowestMs) FailedSince(string producer, long sinceMs)
    {
        var failed = _calls.Where(c => c.Producer == producer && !c.Succeeded && c.StartedMs >= sinceMs).ToList();
        return (failed.Count, failed.Count == 0 ? 0 : failed.Max(c => c.EndedMs - c.StartedMs));
    }

    /// <summary>The ms from <paramref name="sinceMs"/> to the end of the first acknowledged append that started after it, or -1.</summary>
    public long FirstAcknowledgedAfter(long sinceMs) =>
        _calls.Where(c => c.Succeeded && c.StartedMs >= sinceMs).Select(c => c.EndedMs - sinceMs).DefaultIfEmpty(-1).Min();

    /// <summary>Appends every failed event again with its key, polling until each is acknowledged.</summary>
    public async Task RetryFailedAsync(DurableStream stream, TimeSpan deadline)
    {
        foreach (var key in _failed.Keys.Order(StringComparer.Ordinal).ToList())
        {
            string? id = null;
            Assert.True(
                await Poll.UntilAsync(
                    async () =>
                    {
                        try
                        {
                            id = await stream.AppendAsync(key, idempotencyKey: key);
                            return true;
                        }
                        catch (DurableStreamUnavailableException)
                        {
                            return false;
                        }
                    },
                    deadline),
                $"the failed append {key} was never acknowledged after the heal");
            _acknowledged[key] = id!;
        }
    }

    /// <summary>Reads the whole stream through a fresh group and counts lost acknowledged events and duplicates; both must be 0.</summary>
    public async Task AssertNothingLostAsync(DurableStream stream, ITestOutputHelper output, string scenario, TimeSpan deadline, Func<IReadOnlyList<string>, Task<string>>? explainLost = null)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        using var consumer = stream.CreateConsumer($"audit-{Guid.NewGuid():N}"[..20], "auditor");
        var done = await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    foreach (var e in await consumer.ReadAsync(500))
                    {
                        seen[e.Payload] = seen.GetValueOrDefault(e.Payload) + (e.IsRedelivery ? 0 : 1);
                        await consumer.AckAsync(e);
                    }
                }
                catch (DurableStreamUnavailableException)
                {
                    return false;
                }

                return _acknowledged.Keys.All(seen.ContainsKey);
            },
            deadline);
        var lost = _acknowledged.Keys.Where(k => !seen.ContainsKey(k)).ToList();
        var duplicates = seen.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        output.WriteLine($"{scenario}: {_acknowledged.Count} acknowledged ({_failed.Count} after a retry), {seen.Count} distinct stored, {lost.Count} lost, {duplicates.Count} stored twice.");
        Resilience.ResilienceReport.Record(output, scenario, "acknowledged durable events lost", lost.Count, "events");
        var unacknowledged = seen.Keys.Where(k => !_acknowledged.ContainsKey(k)).ToList();
        var explanation = lost.Count > 0 && explainLost is not null ? "; the engine says: " + await explainLost([.. lost.Take(10).Select(k => _acknowledged[k])]) : string.Empty;
        Assert.True(
            done && lost.Count == 0,
            $"{lost.Count} acknowledged events lost: {string.Join(", ", lost.Take(10).Select(k => $"{k} (id {_acknowledged[k]})"))}; " +
            $"read completely: {done}; stored but never acknowledged: {string.Join(", ", unacknowledged.Take(10))}; " +
            $"ids acknowledged twice: {string.Join(", ", _acknowledged.GroupBy(p => p.Value).Where(g => g.Count() > 1).Take(5).Select(g => $"{g.Key} for {string.Join(" and ", g.Select(p => p.Key))}"))}{explanation}");
        Assert.Empty(duplicates);
    }

    private static string Describe(Exception ex) =>
        ex.InnerException is null ? $"{ex.GetType().Name}: {ex.Message}" : $"{ex.GetType().Name}: {ex.Message} <- {Describe(ex.InnerException)}";
}
