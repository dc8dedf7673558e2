using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.Benchmarks.Hosting;

/// <summary>
/// <c>hosting</c>: what the agent host costs. (1) Time from process start to ready: the sample
/// ModelAgent is started again and again and timed until <c>GET /health</c> answers <c>ok</c>
/// (JIT build, and a ReadyToRun publish with <c>--r2r</c>). (2) Resident memory of that agent idle
/// for two seconds after ready. (3) Request overhead: one client calling <c>echo</c> on a bare
/// <see cref="AgentRpcServer"/> and on the same server inside a full host (drain gate, metrics,
/// scoped handlers), interleaved rounds, medians.
/// </summary>
internal static class HostingRunner
{
    public const string Usage = "[--runs N] [--requests N] [--r2r] [--agent PATH.dll]   process start to ready, idle RSS, request overhead of the host over a bare AgentRpcServer";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = int.Parse(Option(args, "--runs") ?? "10", CultureInfo.InvariantCulture);
        var requests = int.Parse(Option(args, "--requests") ?? "20000", CultureInfo.InvariantCulture);
        var agent = Option(args, "--agent") ?? Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModelAgent").Value!;
        if (!File.Exists(agent))
        {
            Console.Error.WriteLine($"{agent} not found: build samples/TwoMachineFleet/ModelAgent (-c Release) or pass --agent PATH.dll.");
            return 2;
        }

        await StartupAsync("JIT", ["dotnet", agent], runs).ConfigureAwait(false);
        if (args.Contains("--r2r"))
        {
            var published = await PublishReadyToRunAsync().ConfigureAwait(false);
            if (published is null)
            {
                return 1;
            }

            await StartupAsync("ReadyToRun", [published], runs).ConfigureAwait(false);
        }

        await OverheadAsync(requests).ConfigureAwait(false);
        return 0;
    }

    private static async Task StartupAsync(string label, string[] command, int runs)
    {
        var ready = new List<double>();
        var reported = new List<double>();
        var rss = new List<double>();
        for (var i = 0; i < runs + 2; i++)
        {
            var (wall, selfReported, memory) = await StartOnceAsync(command).ConfigureAwait(false);
            if (i < 2)
            {
                continue; // Warm the disk cache.
            }

            ready.Add(wall);
            reported.Add(selfReported);
            rss.Add(memory);
        }

        Console.WriteLine(FormattableString.Invariant(
            $"hosting start-to-ready ({label}, {runs} runs): spawn to GET /health ok median {Median(ready):F0} ms (min {ready.Min():F0}, max {ready.Max():F0}); agent-reported process start to ready median {Median(reported):F0} ms"));
        Console.WriteLine(FormattableString.Invariant($"hosting idle RSS ({label}): median {Median(rss):F1} MiB (min {rss.Min():F1}, max {rss.Max():F1})"));
    }

    private static async Task<(double WallMs, double ReportedMs, double RssMiB)> StartOnceAsync(string[] command)
    {
        var address = IPAddress.Parse("127.0.0.2");
        var healthPort = FreePort(address);
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(command[^1])!,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add("--Fleet:Agent:Name=ModelAgent");
        info.ArgumentList.Add("--Fleet:Logging:File:Enabled=false");
        info.Environment["MODEL_PORT"] = FreePort(address).ToString(CultureInfo.InvariantCulture);
        info.Environment["MODEL_HEALTH_PORT"] = healthPort.ToString(CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var reportedMs = double.NaN;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            // Event 8001: "... is ready N ms after process start ..."
            if (e.Data is { } line && line.Contains("ms after process start", StringComparison.Ordinal))
            {
                var marker = line.IndexOf(" is ready ", StringComparison.Ordinal);
                var end = line.IndexOf(" ms after", StringComparison.Ordinal);
                if (marker > 0 && end > marker && double.TryParse(line[(marker + 10)..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
                {
                    reportedMs = ms;
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var health = new Uri($"http://{address}:{healthPort}/health");
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the agent exited with code {process.ExitCode} before it was ready");
                }

                try
                {
                    using var response = await http.GetAsync(health).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(5).ConfigureAwait(false);
            }

            var wall = watch.Elapsed.TotalMilliseconds;
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            var rss = ResidentMiB(process.Id);
            return (wall, reportedMs, rss);
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<string?> PublishReadyToRunAsync()
    {
        var project = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModelAgentProject").Value!;
        var output = Directory.CreateTempSubdirectory("fleet-bench-r2r-").FullName;
        var info = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output, "-nologo"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var publish = Process.Start(info)!;
        var log = await publish.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await publish.WaitForExitAsync().ConfigureAwait(false);
        if (publish.ExitCode != 0)
        {
            Console.Error.WriteLine($"ReadyToRun publish failed:\n{log}");
            return null;
        }

        return Path.Combine(output, "ModelAgent");
    }

    private static async Task OverheadAsync(int requests)
    {
        using var temp = new TempFolder();
        var bare = new List<(double Rate, double P50)>();
        var hosted = new List<(double Rate, double P50)>();
        for (var round = 0; round < 3; round++)
        {
            bare.Add(await MeasureBareAsync(requests).ConfigureAwait(false));
            hosted.Add(await MeasureHostedAsync(temp.Path, requests).ConfigureAwait(false));
        }

        var bareRate = Median(bare.Select(b => b.Rate).ToList());
        var hostedRate = Median(hosted.Select(b => b.Rate).ToList());
        var bareP50 = Median(bare.Select(b => b.P50).ToList());
        var hostedP50 = Median(hosted.Select(b => b.P50).ToList());
        Console.WriteLine(FormattableString.Invariant(
            $"hosting request overhead (1 client, legacy protocol, echo, {requests} requests, median of 3 interleaved rounds): bare AgentRpcServer {bareRate:F0} req/s p50 {bareP50:F1} us; full host {hostedRate:F0} req/s p50 {hostedP50:F1} us; overhead {hostedP50 - bareP50:F1} us per request"));
    }

    private static async Task<(double Rate, double P50)> MeasureBareAsync(int requests)
    {
        using var context = new ZmqContext(new FleetMessagingOptions { AgentName = "bench" });
        var options = new AgentRpcServerOptions();
        options.Endpoints.Add("tcp://127.0.0.1:*");
        await using var server = new AgentRpcServer(context, options, new AgentRpcHandlers().Add("echo", request => request.Body.Clone()));
        server.Start();
        return await DriveAsync(context, server.Endpoints[0], requests).ConfigureAwait(false);
    }

    private static async Task<(double Rate, double P50)> MeasureHostedAsync(string directory, int requests)
    {
        File.WriteAllText(Path.Combine(directory, "fleet.yaml"), "version: 1\nmachines:\n  mainpc: { host: 127.0.0.1 }\nagents:\n  Bench:\n    machine: mainpc\n");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = directory, Args = [] });
        builder.AddFleetAgentDefaults(o =>
        {
            o.Directory = directory;
            o.Agent = "Bench";
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Messaging:Server:Endpoints:0"] = "tcp://127.0.0.1:*",
            ["Fleet:Logging:Console:Enabled"] = "false",
            ["Fleet:Logging:File:Enabled"] = "false",
        });
        builder.MapAction("echo", request => request.Body.Clone());
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        try
        {
            var endpoint = host.Services.GetRequiredService<AgentRpcServer>().Endpoints[0];
            return await DriveAsync(host.Services.GetRequiredService<ZmqContext>(), endpoint, requests).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync().ConfigureAwait(false);
        }
    }

    private static async Task<(double Rate, double P50)> DriveAsync(ZmqContext context, string endpoint, int requests)
    {
        using var client = new AgentRpcClient(context, new AgentRpcClientOptions { Endpoints = { endpoint } });
        var request = """{"action":"echo","payload":"0123456789abcdef"}"""u8.ToArray();
        for (var i = 0; i < 1000; i++)
        {
            await client.CallJsonAsync(request).ConfigureAwait(false);
        }

        var latencies = new double[requests];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests; i++)
        {
            var begin = Stopwatch.GetTimestamp();
            await client.CallJsonAsync(request).ConfigureAwait(false);
            latencies[i] = Stopwatch.GetElapsedTime(begin).TotalMicroseconds;
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        Array.Sort(latencies);
        return (requests / elapsed.TotalSeconds, latencies[requests / 2]);
    }

    private static double ResidentMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kib / 1024;
            }
        }

        return double.NaN;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static int FreePort(IPAddress address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("fleet-bench-hosting-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
