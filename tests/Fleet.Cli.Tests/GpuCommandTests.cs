using System.Text.Json;
using Fleet.Cli.Gpu;
using Fleet.Sdk.Config;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Cli.Tests;

public sealed class GpuCommandTests
{
    private static readonly string[] Inventory = ["--gpu", "mainpc=RTX4090:24576", "--gpu", "pc2=RTX3060:12288"];

    [Fact]
    public async Task Status_InventoryWithoutRedis_TablePerMachineAndGpu()
    {
        var result = await CliRunner.RunAsync(["gpu", "status", .. Inventory]);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(@"mainpc\s+0\s+RTX4090\s+yes\s+24576\s+512\s+0\s+-\s+24064\s+-", result.Output);
        Assert.Matches(@"pc2\s+0\s+RTX3060\s+yes\s+12288\s+512\s+0\s+-\s+11776\s+-", result.Output);
    }

    [Fact]
    public async Task Plan_Requests_PlacedInOrderAndMissesExitOne()
    {
        var result = await CliRunner.RunAsync(["gpu", "plan", .. Inventory, "--request", "llm=fp16:14336,int8:8192@10", "--request", "tts=11000", "--request", "vision=20000"]);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Matches(@"llm\s+10\s+mainpc/0\s+fp16\s+14336", result.Output);
        Assert.Matches(@"tts\s+0\s+pc2/0\s+default\s+11000", result.Output);
        Assert.Matches(@"vision\s+0\s+does not fit", result.Output);
        Assert.Contains("2 of 3 request(s) fit", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_MalformedRequest_ExitsTwoShowingTheForm()
    {
        var result = await CliRunner.RunAsync(["gpu", "plan", .. Inventory, "--request", "llm=lots"]);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("[VARIANT:]MIB", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NoInventory_ExitsTwoSayingWhereToDeclareGpus()
    {
        var result = await CliRunner.RunAsync("gpu", "status", "--topology", Path.Combine(AppContext.BaseDirectory, "no-such-dir-" + Guid.NewGuid().ToString("N"), "fleet.yaml"));

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
    }

    [Fact]
    public void ParseRequest_VariantsAndPriority_Read()
    {
        var request = GpuCommand.ParseRequest("llm=fp16:14336,int8:8192@10");

        Assert.Equal(("llm", 14336L, 10, "fp16"), (request.Workload, request.VramMib, request.Priority, request.Variant));
        Assert.Equal(new GpuVariant("int8", 8192), Assert.Single(request.Fallbacks));
    }

    [RequiresRedisServerFact]
    public async Task Status_LeasesInRedis_ShownWithUsageAndPressure()
    {
        await using var redis = await RedisServer.StartAsync();
        var fleet = $"cli{Guid.NewGuid():N}"[..10];
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Redis:ConnectionString"] = redis.ConnectionString,
            ["Fleet:Coordination:FleetName"] = fleet,
        }).Build());
        services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        services.AddFleetGpuScheduling(o =>
        {
            o.Machine = "pc2";
            o.RequireLiveMachine = false;
            o.Devices.Add(new GpuDeviceOptions { Machine = "pc2", Name = "RTX3060", VramMib = 12288 });
        });
        await using var provider = services.BuildServiceProvider();
        var result = await provider.GetRequiredService<IGpuScheduler>().AcquireAsync(new GpuRequest("whisper", 6000));
        await using var lease = result.Lease!;

        var text = await CliRunner.RunAsync(["gpu", "status", .. Inventory, "--redis", redis.ConnectionString, "--fleet", fleet, "--ignore-liveness"]);
        var json = await CliRunner.RunAsync(["gpu", "status", .. Inventory, "--redis", redis.ConnectionString, "--fleet", fleet, "--format", "json"]);
        var plan = await CliRunner.RunAsync(["gpu", "plan", .. Inventory, "--redis", redis.ConnectionString, "--fleet", fleet, "--ignore-liveness", "--request", "tts=6000"]);

        Assert.Equal(ExitCodes.Success, text.ExitCode);
        Assert.Matches(@"pc2\s+0\s+RTX3060\s+yes\s+12288\s+512\s+6000\s+-\s+5776\s+whisper:6000", text.Output);
        var pc2 = JsonDocument.Parse(json.Output).RootElement.EnumerateArray().Single(e => e.GetProperty("machine").GetString() == "pc2");
        Assert.False(pc2.GetProperty("live").GetBoolean()); // nothing registered pc2 as live in discovery
        Assert.Equal(lease.FencingToken, pc2.GetProperty("leases")[0].GetProperty("token").GetInt64());
        Assert.Matches(@"tts\s+0\s+mainpc/0", plan.Output); // best fit would be pc2 (5776 free), but 6000 does not fit there
    }

    [Fact]
    public async Task Status_RedisUnreachable_ExitsOneNamingTheSetting()
    {
        var result = await CliRunner.RunAsync(["gpu", "status", .. Inventory, "--redis", "127.0.0.1:1", "--timeout", "300", "--ignore-liveness"]);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.Contains("Fleet:Coordination:Redis:ConnectionString", result.Error, StringComparison.Ordinal);
    }
}
