using Fleet.Sdk.Config;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Cli.Tests;

public sealed class DiscoveryCommandTests
{
    [Fact]
    public async Task Ls_NoRedisGiven_ExitsTwoSayingHow()
    {
        var result = await CliRunner.RunAsync("discovery", "ls");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("--redis", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_RedisUnreachable_ExitsOneWithinTimeoutNamingTheSetting()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await CliRunner.RunAsync("discovery", "ls", "--redis", "127.0.0.1:1", "--timeout", "300");

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("cannot be reached", result.Error, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [RequiresRedisServerFact]
    public async Task Ls_RegisteredInstances_TableAndJson()
    {
        await using var redis = await RedisServer.StartAsync();
        var fleet = $"cli{Guid.NewGuid():N}"[..10];
        await using var agent = await RegisterAsync(redis, fleet, "ModelManagerSuite", "mainpc-1");

        // The registrar keeps retrying a first write that timed out on a loaded machine: poll until the registry has it.
        CliResult? text = null;
        Assert.True(
            await Poll.UntilAsync(
                async () =>
                {
                    text = await CliRunner.RunAsync("discovery", "ls", "--redis", redis.ConnectionString, "--fleet", fleet);
                    return text.Output.Contains("mainpc-1", StringComparison.Ordinal);
                },
                TimeSpan.FromSeconds(20)),
            $"the registration should show: {text?.Output}{text?.Error}");
        var json = await CliRunner.RunAsync("discovery", "ls", "--redis", redis.ConnectionString, "--fleet", fleet, "--format", "json");

        Assert.Equal(ExitCodes.Success, text!.ExitCode);
        Assert.Contains("SERVICE", text.Output, StringComparison.Ordinal);
        Assert.Matches(@"ModelManagerSuite\s+mainpc-1\s+mainpc\s+Passing\s+\d+\.\ds\s+rpc=tcp://127\.0\.0\.1:7200", text.Output);
        Assert.Equal(ExitCodes.Success, json.ExitCode);
        var parsed = System.Text.Json.JsonDocument.Parse(json.Output).RootElement;
        Assert.Equal("mainpc-1", parsed[0].GetProperty("instance").GetString());
    }

    [RequiresRedisServerFact]
    public async Task Watch_NewRegistration_StreamedUntilCancelled()
    {
        await using var redis = await RedisServer.StartAsync();
        var fleet = $"cli{Guid.NewGuid():N}"[..10];
        using var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var run = FleetCli.RunAsync(["discovery", "watch", "--redis", redis.ConnectionString, "--fleet", fleet], synchronized, TextWriter.Null, stop.Token);

        await using (await RegisterAsync(redis, fleet, "SpeechToText", "pc2-1"))
        {
            Assert.True(await Poll.UntilAsync(() => Snapshot(synchronized, output).Contains("+ SpeechToText/pc2-1 on mainpc", StringComparison.Ordinal), TimeSpan.FromSeconds(20)));
        }

        Assert.True(await Poll.UntilAsync(() => Snapshot(synchronized, output).Contains("- SpeechToText/pc2-1", StringComparison.Ordinal), TimeSpan.FromSeconds(20)));
        await stop.CancelAsync();
        Assert.Equal(ExitCodes.Success, await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static string Snapshot(TextWriter synchronized, StringWriter inner)
    {
        lock (synchronized)
        {
            return inner.ToString();
        }
    }

    private static async Task<AgentRegistration> RegisterAsync(RedisServer redis, string fleet, string service, string id)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        services.AddFleetCoordination(o =>
        {
            o.Redis.ConnectionString = redis.ConnectionString;
            o.FleetName = fleet;
        });
        services.AddFleetDiscovery(o => o.Provider = DiscoveryProviderKind.Redis);
        var provider = services.BuildServiceProvider();
        var registration = await provider.GetRequiredService<IServiceRegistrar>().RegisterAsync(new ServiceInstance
        {
            ServiceName = service,
            InstanceId = id,
            Machine = "mainpc",
            Endpoints = new Dictionary<string, string> { ["rpc"] = "tcp://127.0.0.1:7200" },
        });
        return new AgentRegistration(provider, registration);
    }

    private sealed class AgentRegistration(ServiceProvider provider, IServiceRegistration registration) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await registration.DisposeAsync();
            await provider.DisposeAsync();
        }
    }
}
