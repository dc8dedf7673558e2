using System.Text.Json;
using Fleet.Cli.Coordination;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Configuration;
using Fleet.Sdk.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Fleet.Cli.Tests;

/// <summary><c>fleet coordination status</c> against a real redis-server with a replica and a real nats-server with JetStream; bad settings name the key.</summary>
public sealed class CoordinationCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Status_UnknownEngine_ErrorNamesTheKeyWithoutStackTrace() =>
        AssertRefusedAsync(["coordination", "status", "--engine", "Mongo"], ExitCodes.UsageError, "'Fleet:Coordination:Engine'");

    [Fact]
    public Task Status_NatsWithoutServers_ErrorNamesTheMissingKey() =>
        AssertRefusedAsync(["coordination", "status", "--engine", "Nats"], ExitCodes.UsageError, "Fleet:Coordination:Nats:Servers is not set");

    [Fact]
    public Task Status_RedisUnreachable_ExitsOneNamingTheKeyToCheck() =>
        AssertRefusedAsync(["coordination", "status", "--redis", "127.0.0.1:1", "--timeout", "300"], ExitCodes.Problems, "cannot be reached", "Fleet:Coordination:Redis:ConnectionString");

    [Fact]
    public Task Status_BadTimeout_SaysWhatItMustBe() =>
        AssertRefusedAsync(["coordination", "status", "--timeout", "0"], ExitCodes.UsageError, "--timeout 0 must be a positive number");

    [Theory]
    [InlineData("Fleet:Coordination:Redis:ConnectionString", "127.0.0.1:6379", CoordinationEngine.Redis)]
    [InlineData("Fleet:Coordination:Redis:Sentinels", "127.0.0.1:26379,127.0.0.1:26380", CoordinationEngine.Redis)]
    [InlineData("Fleet:Discovery:Redis:ConnectionString", "127.0.0.1:6379", CoordinationEngine.Redis)]
    [InlineData("Fleet:Coordination:Nats:Servers", "nats://127.0.0.1:4222", CoordinationEngine.Nats)]
    [InlineData("Fleet:Coordination:FleetName", "prod", CoordinationEngine.InProcess)]
    public void Settings_Read_EngineFromFleetCoordinationAsTheSdkReadsIt(string key, string value, CoordinationEngine expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        Assert.Equal(expected, CoordinationSettings.Read(configuration).EffectiveEngine);
    }

    [Fact]
    public void Settings_Read_BothEnginesWithoutChoice_CliErrorNamingTheEngineKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Redis:ConnectionString"] = "127.0.0.1:6379",
            ["Fleet:Coordination:Nats:Servers"] = "nats://127.0.0.1:4222",
        }).Build();

        var error = Assert.Throws<CliException>(() => CoordinationSettings.Read(configuration));

        Assert.Contains("set Fleet:Coordination:Engine to Redis or Nats", error.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.UsageError, error.ExitCode);
    }

    [RequiresNatsServerFact]
    public async Task DiscoveryAndGpu_NatsGiven_AskTheNatsEngineAndSucceed()
    {
        await using var server = await NatsServer.StartAsync();
        var fleet = $"cd{Guid.NewGuid():N}"[..10];

        var discovery = await CliRunner.RunAsync("discovery", "ls", "--nats", server.Url, "--fleet", fleet, "--timeout", "5000");
        var gpu = await CliRunner.RunAsync("gpu", "status", "--gpu", "pc2=RTX3060:12288", "--nats", server.Url, "--fleet", fleet, "--timeout", "5000");

        foreach (var result in new[] { discovery, gpu })
        {
            Assert.True(result.ExitCode == ExitCodes.Success, result.Output + result.Error);
            Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
        }

        Assert.Contains("No live instance is registered.", discovery.Output, StringComparison.Ordinal);
        Assert.Contains("pc2", gpu.Output, StringComparison.Ordinal);
        Assert.Contains("RTX3060", gpu.Output, StringComparison.Ordinal);
        Assert.Contains("1 GPU(s), 0 lease(s); figures in MiB.", gpu.Output, StringComparison.Ordinal);
    }

    [RequiresLocalRedisServerFact]
    public async Task Status_RedisMasterWithReplica_NodesLeaderLagAndStreams()
    {
        await using var master = await RedisServer.StartAsync();
        var replicaOptions = new RedisServerOptions();
        replicaOptions.Arguments.Add("--replicaof");
        replicaOptions.Arguments.Add(master.Host);
        replicaOptions.Arguments.Add(master.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var replica = await RedisServer.StartAsync(replicaOptions);
        var fleet = $"cs{Guid.NewGuid():N}"[..10];
        await RespAsync(master, "XADD", $"fleet:{fleet}:events:orders", "*", "n", "1");
        await RespAsync(master, "XADD", $"fleet:{fleet}:events:orders", "*", "n", "2");
        await RespAsync(master, "XADD", "fleet:other:events:orders", "*", "n", "1");

        CliResult? json = null;
        Assert.True(
            await Poll.UntilAsync(
                async () =>
                {
                    json = await CliRunner.RunAsync("coordination", "status", "--redis", master.ConnectionString, "--fleet", fleet, "--json");
                    return json.ExitCode == ExitCodes.Success;
                },
                Deadline),
            $"the replica should come online: {json?.Output}{json?.Error}");
        var text = await CliRunner.RunAsync("coordination", "status", "--redis", master.ConnectionString, "--fleet", fleet);

        var status = JsonDocument.Parse(json!.Output).RootElement;
        Assert.Equal("Redis", status.GetProperty("engine").GetString());
        Assert.Equal(master.ConnectionString, status.GetProperty("leader").GetString());
        var nodes = status.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(("master", "online"), (nodes[0].GetProperty("role").GetString(), nodes[0].GetProperty("state").GetString()));
        Assert.Equal(("replica", "online"), (nodes[1].GetProperty("role").GetString(), nodes[1].GetProperty("state").GetString()));
        Assert.EndsWith($":{replica.Port}", nodes[1].GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.True(nodes[1].GetProperty("lag").GetInt64() >= 0);
        var stream = Assert.Single(status.GetProperty("streams").EnumerateArray());
        Assert.Equal(("events:orders", 2), (stream.GetProperty("name").GetString(), stream.GetProperty("entries").GetInt32()));
        Assert.Empty(status.GetProperty("problems").EnumerateArray());
        Assert.Matches(@"replica\s+online", text.Output);
        Assert.Matches(@"events:orders\s+2\s", text.Output);
    }

    [RequiresNatsServerFact]
    public async Task Status_NatsWithStreamAndBucket_ListsThemWithServerAndLeader()
    {
        await using var server = await NatsServer.StartAsync();
        await using (var connection = new NatsConnection(new NatsOpts { Url = server.Url }))
        {
            var js = new NatsJSContext(connection);
            await js.CreateStreamAsync(new StreamConfig("FLEET_EVENTS", ["fleet.events.>"]));
            await js.PublishAsync("fleet.events.orders", "one"u8.ToArray());
            var kv = new NatsKVContext(js);
            var store = await kv.CreateStoreAsync(new NatsKVConfig("fleet-registry"));
            await store.PutAsync("mainpc", "up"u8.ToArray());
            await store.PutAsync("pc2", "up"u8.ToArray());
        }

        var json = await CliRunner.RunAsync("coordination", "status", "--nats", server.Url, "--json");
        var text = await CliRunner.RunAsync("coordination", "status", "--nats", server.Url);

        Assert.True(json.ExitCode == ExitCodes.Success, json.Error);
        var status = JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal("Nats", status.GetProperty("engine").GetString());
        Assert.Equal(server.Url, status.GetProperty("endpoint").GetString());
        Assert.False(string.IsNullOrEmpty(status.GetProperty("leader").GetString()));
        Assert.NotEmpty(status.GetProperty("nodes").EnumerateArray());
        var stream = Assert.Single(status.GetProperty("streams").EnumerateArray());
        Assert.Equal(("FLEET_EVENTS", 1), (stream.GetProperty("name").GetString(), stream.GetProperty("entries").GetInt32()));
        var bucket = Assert.Single(status.GetProperty("buckets").EnumerateArray());
        Assert.Equal(("fleet-registry", 2), (bucket.GetProperty("name").GetString(), bucket.GetProperty("entries").GetInt32()));
        Assert.Matches(@"FLEET_EVENTS\s+1\s", text.Output);
        Assert.Matches(@"fleet-registry\s+2\s", text.Output);
    }

    /// <summary>Sends one command in RESP and reads the first reply line.</summary>
    /// <summary>Runs the CLI and expects a refusal: the exit code, every text in the error, and no stack trace.</summary>
    private static async Task AssertRefusedAsync(string[] arguments, int exitCode, params string[] expected)
    {
        var result = await CliRunner.RunAsync(arguments);

        Assert.Equal(exitCode, result.ExitCode);
        foreach (var text in expected)
        {
            Assert.Contains(text, result.Error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    private static async Task<string> RespAsync(RedisServer redis, params string[] parts)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(redis.Host, redis.Port);
        var stream = client.GetStream();
        var command = new System.Text.StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            command.Append('$').Append(System.Text.Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(command.ToString()));
        using var reader = new StreamReader(stream);
        return await reader.ReadLineAsync() ?? string.Empty;
    }
}
