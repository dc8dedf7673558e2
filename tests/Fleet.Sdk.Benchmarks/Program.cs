using System.Reflection;
using BenchmarkDotNet.Running;
using Fleet.Sdk.Benchmarks.FaultProxy;

namespace Fleet.Sdk.Benchmarks;

/// <summary>
/// Micro-benchmarks run through BenchmarkDotNet (<c>--filter '*Paths*'</c>, <c>--list flat</c>);
/// end-to-end runners (throughput, latency, failover) are named as the first argument.
/// </summary>
public static class Program
{
    private static readonly Dictionary<string, (string Usage, Func<string[], Task<int>> Run)> Runners =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["logging"] = ("[EVENTS] [ROUNDS]   events/s and allocations per event to file: Serilog baseline vs the Fleet pipeline", Logging.LoggingThroughput.RunAsync),
            ["proxy"] = (ProxyRunner.Usage, ProxyRunner.RunAsync),
            ["discovery"] = (Discovery.DiscoveryRunner.Usage, Discovery.DiscoveryRunner.RunAsync),
            ["gpu"] = (Gpu.GpuRunner.Usage, Gpu.GpuRunner.RunAsync),
            ["coord"] = (Coordination.CoordinationRunner.Usage, Coordination.CoordinationRunner.RunAsync),
            ["ledger"] = (Coordination.LedgerRunner.Usage, Coordination.LedgerRunner.RunAsync),
            ["config-process"] = (Config.ConfigProcessRunner.Usage, Config.ConfigProcessRunner.RunAsync),
            ["zmq"] = (Messaging.ZmqRunner.Usage, Messaging.ZmqRunner.RunAsync),
            ["rpc"] = (Messaging.RpcRunner.Usage, Messaging.RpcRunner.RunAsync),
            ["netmq"] = (Messaging.NetMqRunner.Usage, Messaging.NetMqRunner.RunAsync),
            ["hosting"] = (Hosting.HostingRunner.Usage, Hosting.HostingRunner.RunAsync),
            ["resilience"] = (Resilience.ResilienceRunner.Usage, Resilience.ResilienceRunner.RunAsync),
            ["sentinel-failover"] = (Coordination.SentinelFailoverRunner.Usage, Coordination.SentinelFailoverRunner.RunAsync),
            ["nats-failover"] = (Coordination.NatsFailoverRunner.Usage, Coordination.NatsFailoverRunner.RunAsync),
            ["stream"] = (Coordination.StreamRunner.Usage, Coordination.StreamRunner.RunAsync),
            ["deploy"] = (Deploy.DeployRunner.Usage, Deploy.DeployRunner.RunAsync),
        };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage();
            return args.Length == 0 ? 2 : 0;
        }

        if (Runners.TryGetValue(args[0], out var runner))
        {
            return await runner.Run(args[1..]).ConfigureAwait(false);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static void PrintUsage()
    {
        Console.WriteLine("usage: dotnet run -c Release --project tests/Fleet.Sdk.Benchmarks -- <runner> [args]");
        Console.WriteLine("       dotnet run -c Release --project tests/Fleet.Sdk.Benchmarks -- --filter '<pattern>' [BenchmarkDotNet options]");
        Console.WriteLine();
        Console.WriteLine("runners:");
        foreach (var (name, (usage, _)) in Runners.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {name} {usage}");
        }

        Console.WriteLine();
        Console.WriteLine("micro-benchmarks (BenchmarkDotNet classes):");
        foreach (var type in Assembly.GetExecutingAssembly().GetTypes()
                     .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkDotNet.Attributes.BenchmarkAttribute>() is not null))
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {type.FullName}");
        }
    }
}
