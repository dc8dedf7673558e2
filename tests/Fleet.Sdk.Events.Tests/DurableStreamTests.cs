using System.Collections.Concurrent;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Events.Tests;

/// <summary>Durable streams on Redis only: restarts, outages and option validation (what every engine does is in <see cref="DurableStreamConformanceTests"/>).</summary>
public sealed class DurableStreamTests(RedisFixture redis) : StreamsHostTests, IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [RequiresLocalRedisServerFact]
    public async Task RedisRestartedEmpty_GroupIsRecreatedAndNewEventsFlow()
    {
        await using var own = await Fleet.Sdk.Testing.RedisServer.StartAsync();
        var stream = (await StartAsync(connectionString: own.ConnectionString)).Open("survives");
        await AssertNewEventsFlowAfterAnEmptyRestartAsync(stream, () => own.RestartAsync(keepData: false), Deadline);
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisDown_AppendRetriesUntilItsDeadlineThenSaysHowToRetrySafely()
    {
        await using var own = await Fleet.Sdk.Testing.RedisServer.StartAsync();
        var stream = (await StartAsync(
            connectionString: own.ConnectionString,
            settings: new Dictionary<string, string?> { ["Fleet:Events:Durable:AppendDeadline"] = "00:00:01", ["Fleet:Events:Durable:OperationTimeout"] = "00:00:00.300" })).Open("down");
        await stream.AppendAsync("warm-up");
        await own.KillAsync();

        var error = await Assert.ThrowsAsync<DurableStreamUnavailableException>(() => stream.AppendAsync("lost?", idempotencyKey: "k-1"));

        Assert.Contains("same idempotency key ('k-1')", error.Message, StringComparison.Ordinal);
        Assert.Contains("'down'", error.Message, StringComparison.Ordinal);
    }

    [RequiresLocalRedisServerFact]
    public async Task RedisDownDuringAppend_RetrySucceedsAfterRestartAndStoresTheEventOnce()
    {
        await using var own = await Fleet.Sdk.Testing.RedisServer.StartAsync();
        var stream = (await StartAsync(connectionString: own.ConnectionString)).Open("retry");
        await stream.AppendAsync("first", idempotencyKey: "e-1");
        await own.KillAsync();

        var append = stream.AppendAsync("second", idempotencyKey: "e-2");
        await own.RestartAsync(keepData: true);
        await append;

        using var consumer = stream.CreateConsumer("g", "c");
        Assert.Equal(["first", "second"], (await consumer.ReadAsync(10)).Select(e => e.Payload));
    }

    [Fact]
    public void InvalidOptions_EveryProblemListedWithAWorkingValue()
    {
        var options = new DurableStreamOptions { ClaimAfter = TimeSpan.Zero, MaxLength = 5, IdempotencyWindow = TimeSpan.FromSeconds(5), MaxBytes = 10, MaxAge = TimeSpan.FromHours(1) };

        var error = Assert.Throws<ArgumentException>(() => new DurableStreams(new UnusedRedis(), options));

        Assert.Contains("Fleet:Events:Durable:ClaimAfter", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Events:Durable:MaxLength", error.Message, StringComparison.Ordinal);
        Assert.Contains("shorter than AppendDeadline", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Events:Durable:MaxBytes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Fleet:Events:Durable:MaxAge", error.Message, StringComparison.Ordinal);
        var ageError = Assert.Throws<ArgumentException>(() => new DurableStreams(new UnusedRedis(), new DurableStreamOptions { MaxAge = TimeSpan.FromHours(1) }));
        Assert.Contains("Fleet:Events:Durable:MaxAge", ageError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidConfiguration_FailsHostStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StreamsHost.StartAsync("127.0.0.1:1", NewFleet(), new Dictionary<string, string?> { ["Fleet:Events:Durable:PollInterval"] = "-00:00:01" }));

        Assert.Contains("Fleet:Events:Durable:PollInterval", error.Message, StringComparison.Ordinal);
    }

    private static string NewFleet() => $"e{Guid.NewGuid():N}"[..12];

    private Task<IDurableStreams> StartAsync(IDictionary<string, string?>? settings = null, ListLoggerProvider? logs = null, string? fleet = null, string? connectionString = null) =>
        StartHostAsync(StreamEngines.Redis(connectionString ?? redis.Server.ConnectionString), fleet ?? NewFleet(), settings, logs);

    private sealed class UnusedRedis : IFleetRedis
    {
        public CoordinationEngine Engine => CoordinationEngine.Redis;

        public string Endpoint => "unused";

        public string KeyPrefix => "fleet:unused:";

        public TimeSpan OperationTimeout => TimeSpan.FromSeconds(1);

        public int MinReplicaAcks => 0;

        public bool IsConnected => false;

        public Task<RedisReply> EvaluateReplicatedAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not used by this test");

        public Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("not used by this test");

        public IDisposable Subscribe(string channel, Action<string> handler) => throw new InvalidOperationException("not used by this test");

        public Task<TimeSpan> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default) => throw new InvalidOperationException("not used by this test");
    }
}
