using System.Diagnostics.Metrics;
using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>The package as an agent host wires it: the embedded default, the node's nvidia-smi reporting, logs and metrics.</summary>
public sealed class GpuSchedulingHostTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly ListLoggerProvider _logs = new();

    public void Dispose()
    {
        _root.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task EmbeddedDefault_NoRedis_PlacesOnThisLiveMachineOnlyAndReleasesAtStop()
    {
        using var host = await StartAsync();
        var scheduler = host.Services.GetRequiredService<IGpuScheduler>();

        var result = await scheduler.AcquireAsync(new GpuRequest("llm", 8000));
        var onPc2 = await scheduler.AcquireAsync(new GpuRequest("tts", 1000, Rules: new GpuPlacementRules { RequiredMachine = "pc2" }));

        var lease = result.Lease!;
        Assert.Equal("mainpc", lease.Machine);
        Assert.False(onPc2.Succeeded);
        Assert.Contains(onPc2.Candidates, c => c.Machine == "pc2" && c.Reason.Contains("not live", StringComparison.Ordinal));
        await host.StopAsync();
        await ((IAsyncDisposable)host.Services).DisposeAsync();
        Assert.Equal(GpuLeaseState.Released, lease.State);
    }

    [Fact]
    public async Task NvidiaSmiPresent_UsageReportedAndMemoryPressureLogged()
    {
        var smi = Path.Combine(_root.Path, "nvidia-smi");
        await File.WriteAllTextAsync(smi, "#!/bin/sh\necho '0, GPU-5f3c1d2e, NVIDIA GeForce RTX 4090, 24564, 18211'\n");
        File.SetUnixFileMode(smi, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var host = await StartAsync(("Fleet:Gpu:NvidiaSmiPath", smi), ("Fleet:Gpu:UsageInterval", "00:00:00.200"));
        var scheduler = host.Services.GetRequiredService<IGpuScheduler>();
        await using var lease = (await scheduler.AcquireAsync(new GpuRequest("llm", 8000))).Lease!;

        Assert.True(await Poll.UntilAsync(async () => (await scheduler.GetStatusAsync()).Single(s => s.Machine == "mainpc").UsedMib == 18211, TimeSpan.FromSeconds(15)));
        var mainpc = (await scheduler.GetStatusAsync()).Single(s => s.Machine == "mainpc");
        Assert.True(mainpc.UnderMemoryPressure);
        Assert.Equal(8000, mainpc.ReservedMib);
        Assert.True(await Poll.UntilAsync(() => _logs.Entries.Any(e => e.EventId.Id == 7010 && e.Message.Contains("18211 MiB in use but only 8000 MiB leased", StringComparison.Ordinal)), TimeSpan.FromSeconds(15)));
        await host.StopAsync();
    }

    [Fact]
    public async Task HealthCheck_HealthyWithLeasesThenDegradedUnderMemoryPressure()
    {
        using (var host = await StartAsync())
        {
            await using var lease = (await host.Services.GetRequiredService<IGpuScheduler>().AcquireAsync(new GpuRequest("llm", 8000))).Lease!;
            var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

            var gpu = report.Entries["gpu"];
            Assert.Equal(HealthStatus.Healthy, gpu.Status);
            Assert.Equal("RTX 4090: 8000 of 24576 MiB leased (1 lease(s))", gpu.Data["mainpc/0"]);
            await host.StopAsync();
        }

        var smi = Path.Combine(_root.Path, "nvidia-smi");
        await File.WriteAllTextAsync(smi, "#!/bin/sh\necho '0, GPU-5f3c1d2e, NVIDIA GeForce RTX 4090, 24564, 18211'\n");
        File.SetUnixFileMode(smi, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var pressured = await StartAsync(("Fleet:Gpu:NvidiaSmiPath", smi), ("Fleet:Gpu:UsageInterval", "00:00:00.200"));
        var health = pressured.Services.GetRequiredService<HealthCheckService>();

        HealthReportEntry entry = default;
        Assert.True(await Poll.UntilAsync(async () => (entry = (await health.CheckHealthAsync()).Entries["gpu"]).Status == HealthStatus.Degraded, TimeSpan.FromSeconds(15)));
        Assert.Contains("memory pressure on mainpc/0 (18211 MiB in use, 0 leased)", entry.Description, StringComparison.Ordinal);
        await pressured.StopAsync();
    }

    [Fact]
    public async Task Preemption_VisibleInLogsAndMetrics()
    {
        // A grace of ten renew intervals: on a loaded machine a renewal still lands inside it, so the holder is told.
        using var host = await StartAsync(("Fleet:Gpu:PreemptionGrace", "00:00:02"));
        var scheduler = host.Services.GetRequiredService<IGpuScheduler>();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        long evicted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "fleet.gpu.leases.evicted")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref evicted, value));
        listener.Start();
        await using var batch = (await scheduler.AcquireAsync(new GpuRequest("batch", 20000, Priority: 1))).Lease!;

        await using var llm = (await scheduler.AcquireAsync(new GpuRequest("llm", 16000, Priority: 9))).Lease!;

        Assert.Equal("mainpc", llm.Machine);
        Assert.Equal(1, Interlocked.Read(ref evicted));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 7003 && e.Message.Contains("Evicting batch", StringComparison.Ordinal) && e.Message.Contains("for llm (priority 9)", StringComparison.Ordinal));

        // The holder hears of the revocation on its next renewal (every 200 ms): wait for it, never assume it happened.
        Assert.True(await Poll.UntilAsync(() => _logs.Entries.Any(e => e.EventId.Id == 7004 && e.Message.Contains("batch", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)), $"the holder was never told (lease {batch.State}); logged: " + string.Join("; ", _logs.Entries.Select(e => $"{e.EventId.Id} {e.Message}")));
        Assert.True(await Poll.UntilAsync(() => batch.State == GpuLeaseState.Lost, TimeSpan.FromSeconds(10)));
        await host.StopAsync();
    }

    [Fact]
    public async Task BadOptions_StartFailsNamingEveryKey()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(("Fleet:Gpu:RenewInterval", "00:01:00"), ("Fleet:Gpu:Devices:2:Machine", "pc3")));

        Assert.Contains("Fleet:Gpu:RenewInterval", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fleet:Gpu:Devices:2 needs a Machine and a positive VramMib", error.Message, StringComparison.Ordinal);
    }

    private async Task<IHost> StartAsync(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _root.Path });
        var values = new Dictionary<string, string?>
        {
            ["Fleet:Gpu:Machine"] = "mainpc",
            ["Fleet:Gpu:LeaseTtl"] = "00:00:02",
            ["Fleet:Gpu:RenewInterval"] = "00:00:00.200",
            ["Fleet:Gpu:PreemptionGrace"] = "00:00:01",
            ["Fleet:Gpu:RetryInterval"] = "00:00:00.050",
            ["Fleet:Gpu:NvidiaSmiPath"] = Path.Combine(_root.Path, "absent", "nvidia-smi"),
            ["Fleet:Gpu:Devices:0:Machine"] = "mainpc",
            ["Fleet:Gpu:Devices:0:Name"] = "RTX 4090",
            ["Fleet:Gpu:Devices:0:VramMib"] = "24576",
            ["Fleet:Gpu:Devices:1:Machine"] = "pc2",
            ["Fleet:Gpu:Devices:1:Name"] = "RTX 3060",
            ["Fleet:Gpu:Devices:1:VramMib"] = "12288",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        builder.Logging.AddProvider(_logs);
        builder.Services.AddMetrics();
        builder.Services.AddFleetGpuScheduling();
        builder.Services.AddHealthChecks().AddFleetGpuScheduling();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
