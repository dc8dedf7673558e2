using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;
using Serilog.Parsing;

namespace Fleet.Sdk.Logging.Tests;

public sealed class FileSinkTests
{
    private const long FileLimit = 16 * 1024;
    private const long TotalLimit = 64 * 1024;

    [Fact]
    public async Task WriteStorm_DirectoryNeverExceedsTotalCapAndKeepsNewest()
    {
        var host = new LoggingHost();
        host.Configuration["Fleet:Logging:File:FileSizeLimitBytes"] = FileLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        host.Configuration["Fleet:Logging:File:TotalSizeLimitBytes"] = TotalLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        host.Configuration["Fleet:Logging:File:RetainedFileCount"] = "100";
        host.Configuration["Fleet:Logging:Queue:BlockWhenFull"] = "true";
        await using var _ = await host.StartAsync();
        var logger = host.Logger();
        var status = host.Services.GetRequiredService<IFleetLoggingStatus>();
        long largest = 0;
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                largest = Math.Max(largest, DirectoryBytes(host.LogDirectory));
                await Task.Yield();
            }
        });

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                logger.LogInformation("storm {Writer} {Index} {Padding}", w, i, "0123456789abcdef0123456789abcdef");
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await host.StopAsync();
        stop.Cancel();
        await watcher;

        var files = Directory.GetFiles(host.LogDirectory, "*.jsonl");
        Assert.True(files.Length > 1, "the storm should have rolled files");
        Assert.True(largest <= TotalLimit, $"the directory reached {largest} bytes, over the {TotalLimit}-byte cap");
        Assert.True(DirectoryBytes(host.LogDirectory) <= TotalLimit);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= FileLimit));
        var last = JsonDocument.Parse(File.ReadAllLines(files.Order(StringComparer.Ordinal).Last()).Last()).RootElement;
        Assert.Equal(4_999, last.GetProperty("props").GetProperty("Index").GetInt32());
        Assert.True(status.FilesDeleted > 0);
    }

    [Fact]
    public async Task RetainedFileCount_OldestDeletedFirst()
    {
        var host = new LoggingHost();
        host.Configuration["Fleet:Logging:File:FileSizeLimitBytes"] = "4096";
        host.Configuration["Fleet:Logging:File:RetainedFileCount"] = "3";
        host.Configuration["Fleet:Logging:Queue:BlockWhenFull"] = "true";
        await using var _ = await host.StartAsync();

        for (var i = 0; i < 2_000; i++)
        {
            host.Logger().LogInformation("line {Index}", i);
        }

        await host.StopAsync();
        var files = Directory.GetFiles(host.LogDirectory, "*.jsonl").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, files.Count);
        Assert.Contains("1999", File.ReadAllText(files[^1]), StringComparison.Ordinal);
        Assert.DoesNotContain("\"Index\":0}", File.ReadAllText(files[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogDirectoryDeleted_AgentKeepsRunningAndLoggingResumes()
    {
        await using var host = await new LoggingHost().StartAsync();
        var logger = host.Logger();
        logger.LogInformation("before");
        Assert.True(await Poll.UntilAsync(() => host.ReadLines().Count == 1, TimeSpan.FromSeconds(10)));

        Directory.Delete(host.LogDirectory, recursive: true);
        var status = host.Services.GetRequiredService<IFleetLoggingStatus>();
        var after = 0;
        Assert.True(await Poll.UntilAsync(
            () =>
            {
                // Keep logging: the agent never notices, and a new file must appear.
                logger.LogInformation("after {Attempt}", after++);
                return Directory.Exists(host.LogDirectory) && host.ReadLines().Any(l => l.GetProperty("message").GetString()!.StartsWith("after", StringComparison.Ordinal));
            },
            TimeSpan.FromSeconds(10)));

        Assert.True(status.FilesReopened >= 1);
        logger.LogInformation("still running");
        var lines = await host.StopAndReadAsync();
        Assert.Contains(lines, l => l.GetProperty("message").GetString() == "still running");
    }

    [Fact]
    public async Task QueueFull_DropsCountedAndReportedInTheLog()
    {
        var host = new LoggingHost();
        host.Configuration["Fleet:Logging:Queue:Capacity"] = "1";
        await using var _ = await host.StartAsync();
        var logger = host.Logger();

        for (var i = 0; i < 100_000; i++)
        {
            logger.LogInformation("flood {Index}", i);
        }

        var status = host.Services.GetRequiredService<IFleetLoggingStatus>();
        Assert.True(status.DroppedEvents > 0);
        var lines = await host.StopAndReadAsync();
        var reports = lines.Where(l => l.TryGetProperty("event_id", out var id) && id.GetInt32() == 5001).ToList();
        Assert.NotEmpty(reports);
        Assert.Contains($"; {status.DroppedEvents} in total", reports[^1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(100_000 - status.DroppedEvents, lines.Count(l => l.GetProperty("message").GetString()!.StartsWith("flood", StringComparison.Ordinal)));
    }

    [Fact]
    public void GuardedSink_FailingSink_OtherSinksStillWriteAndFailureCounted()
    {
        var metrics = new LoggingMetrics(null);
        var good = new CollectingSink();
        var fanOut = new FanOutSink([new GuardedSink("bad", new ThrowingSink(), metrics), new GuardedSink("good", good, metrics)]);

        fanOut.Emit(Event("hello"));
        fanOut.Emit(Event("again"));

        Assert.Equal(2, good.Events.Count);
        Assert.Equal(2, metrics.SinkFailures);
    }

    internal static LogEvent Event(string text, params LogEventProperty[] properties) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse(text), properties);

    private static long DirectoryBytes(string directory)
    {
        try
        {
            return new DirectoryInfo(directory).EnumerateFiles().Sum(f =>
            {
                try
                {
                    return f.Length;
                }
                catch (FileNotFoundException)
                {
                    return 0L;
                }
            });
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
    }

    private sealed class ThrowingSink : Serilog.Core.ILogEventSink
    {
        public void Emit(LogEvent logEvent) => throw new IOException("No space left on device");
    }
}

internal sealed class CollectingSink : Serilog.Core.ILogEventSink
{
    public List<LogEvent> Events { get; } = [];

    public void Emit(LogEvent logEvent) => Events.Add(logEvent);
}

public sealed class BatchingAsyncSinkTests
{
    [Fact]
    public void BlockWhenFull_StormFromManyThreads_EveryEventDeliveredInPerThreadOrder()
    {
        var collected = new CollectingSink();
        var sink = new BatchingAsyncSink(collected, capacity: 8, blockWhenFull: true);

        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                sink.Emit(FileSinkTests.Event($"{thread}:{i}"));
            }
        });
        sink.Dispose();

        Assert.Equal(20_000, collected.Events.Count);
        Assert.Equal(0, sink.Dropped);
        foreach (var thread in Enumerable.Range(0, 4))
        {
            var order = collected.Events.Select(e => e.MessageTemplate.Text).Where(t => t.StartsWith($"{thread}:", StringComparison.Ordinal)).Select(t => int.Parse(t[2..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(Enumerable.Range(0, 5_000), order);
        }
    }

    [Fact]
    public void DropMode_Full_CountsEveryDropAndDeliversTheRest()
    {
        var release = new ManualResetEventSlim();
        var collected = new CollectingSink();
        var sink = new BatchingAsyncSink(new GateSink(collected, release), capacity: 4, blockWhenFull: false);

        for (var i = 0; i < 1_000; i++)
        {
            sink.Emit(FileSinkTests.Event($"e{i}"));
        }

        release.Set();
        sink.Dispose();
        Assert.True(sink.Dropped > 0);
        Assert.Equal(1_000, collected.Events.Count + sink.Dropped);
    }

    private sealed class GateSink(CollectingSink inner, ManualResetEventSlim gate) : Serilog.Core.ILogEventSink
    {
        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            gate.Wait();
            lock (inner)
            {
                inner.Emit(logEvent);
            }
        }
    }
}
