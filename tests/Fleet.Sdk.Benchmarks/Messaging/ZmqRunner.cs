using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;

namespace Fleet.Sdk.Benchmarks.Messaging;

/// <summary>
/// <c>zmq thr|lat SIZE COUNT [CURVE] [--compare] [--rounds N]</c>: the workloads of
/// zmq_reference.c (raw libzmq in C) through Fleet.Sdk's socket API, printing the same line.
/// With <c>--compare</c> it builds the C reference (gcc, libzmq3-dev) and alternates the two,
/// reporting each round and the medians side by side.
/// </summary>
public static class ZmqRunner
{
    public const string Usage = "thr|lat SIZE COUNT [CURVE] [--compare] [--rounds N]   socket throughput (PUSH/PULL) or REQ/REP latency, as shared/bench/zmq_reference.c";

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var compare = args.Contains("--compare");
        var roundsIndex = Array.IndexOf(args, "--rounds");
        var rounds = roundsIndex >= 0 && roundsIndex + 1 < args.Length ? int.Parse(args[roundsIndex + 1], CultureInfo.InvariantCulture) : compare ? 5 : 1;
        if (roundsIndex >= 0)
        {
            positional.Remove(args[roundsIndex + 1]);
        }

        if (positional.Count < 3 || positional[0] is not ("thr" or "lat"))
        {
            Console.Error.WriteLine($"usage: zmq {Usage}");
            return 2;
        }

        var mode = positional[0];
        var size = int.Parse(positional[1], CultureInfo.InvariantCulture);
        var count = int.Parse(positional[2], CultureInfo.InvariantCulture);
        var curve = positional.Count > 3 && positional[3] != "0";
        var reference = compare ? await BuildReferenceAsync() : null;

        var sdk = new List<double[]>();
        var c = new List<double[]>();
        for (var round = 0; round < rounds; round++)
        {
            if (reference is not null)
            {
                var line = await RunReferenceAsync(reference, mode, size, count, curve);
                Console.WriteLine($"C   {line}");
                c.Add(Numbers(line));
            }

            var result = mode == "thr" ? Throughput(size, count, curve) : Latency(size, count, curve);
            Console.WriteLine($"SDK {result}");
            sdk.Add(Numbers(result));
        }

        if (reference is not null)
        {
            Summarise(mode, sdk, c);
        }

        return 0;
    }

    /// <summary>PUSH -> PULL, as the reference's sink: messages per second after the first one arrives.</summary>
    internal static string Throughput(int size, int count, bool curve)
    {
        using var keys = curve ? new BenchKeys() : null;
        using var context = new ZmqContext(security: keys?.Security);
        using var pull = context.CreateSocket(ZmqSocketType.Pull);
        keys?.Server(pull);
        var endpoint = pull.Bind("tcp://127.0.0.1:*");
        double rate = 0;
        var sink = new Thread(() =>
        {
            var buffer = new byte[size + 1];
            pull.TryReceive(buffer, Timeout.InfiniteTimeSpan, out _);
            var start = Stopwatch.GetTimestamp();
            for (var i = 1; i < count; i++)
            {
                pull.TryReceive(buffer, Timeout.InfiniteTimeSpan, out _);
            }

            rate = (count - 1) / Stopwatch.GetElapsedTime(start).TotalSeconds;
        });
        sink.Start();

        using var push = context.CreateSocket(ZmqSocketType.Push);
        keys?.Client(push);
        push.Connect(endpoint);
        var message = new byte[size];
        for (var i = 0; i < count; i++)
        {
            push.TrySend(message, Timeout.InfiniteTimeSpan);
        }

        sink.Join();
        return string.Create(CultureInfo.InvariantCulture, $"thr size={size} curve={(curve ? 1 : 0)} msgs={count} : {rate:0} msg/s");
    }

    /// <summary>REQ/REP round trips against an echo thread, as the reference: p50 and p99 in microseconds.</summary>
    internal static string Latency(int size, int count, bool curve)
    {
        using var keys = curve ? new BenchKeys() : null;
        using var context = new ZmqContext(security: keys?.Security);
        using var rep = context.CreateSocket(ZmqSocketType.Rep);
        keys?.Server(rep);
        var endpoint = rep.Bind("tcp://127.0.0.1:*");
        var echo = new Thread(() =>
        {
            var buffer = new byte[size + 1];
            for (var i = 0; i < count; i++)
            {
                rep.TryReceive(buffer, Timeout.InfiniteTimeSpan, out var received);
                rep.TrySend(buffer.AsSpan(0, Math.Min(received, size)), Timeout.InfiniteTimeSpan);
            }
        });
        echo.Start();

        using var req = context.CreateSocket(ZmqSocketType.Req);
        keys?.Client(req);
        req.Connect(endpoint);
        var message = new byte[size + 1];
        var latencies = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            req.TrySend(message.AsSpan(0, size), Timeout.InfiniteTimeSpan);
            req.TryReceive(message, Timeout.InfiniteTimeSpan, out _);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        echo.Join();
        Array.Sort(latencies);
        return string.Create(CultureInfo.InvariantCulture, $"lat size={size} curve={(curve ? 1 : 0)} n={count} : p50 {latencies[count / 2]:0.0} us p99 {latencies[count * 99 / 100]:0.0} us");
    }

    private static void Summarise(string mode, List<double[]> sdk, List<double[]> c)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        if (mode == "thr")
        {
            var sdkRate = Median(sdk.Select(n => n[^1]));
            var cRate = Median(c.Select(n => n[^1]));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median of {sdk.Count}: SDK {sdkRate:0} msg/s, C {cRate:0} msg/s, SDK/C = {sdkRate / cRate:0.00} (aim >= 0.80)"));
        }
        else
        {
            var sdkP50 = Median(sdk.Select(n => n[^2]));
            var cP50 = Median(c.Select(n => n[^2]));
            var sdkP99 = Median(sdk.Select(n => n[^1]));
            var cP99 = Median(c.Select(n => n[^1]));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median of {sdk.Count}: p50 SDK {sdkP50:0.0} us, C {cP50:0.0} us, SDK/C = {sdkP50 / cP50:0.00} (aim <= 1.15); p99 SDK {sdkP99:0.0} us, C {cP99:0.0} us"));
        }
    }

    /// <summary>The numbers of a result line, in order (size, curve, count, then the measurements).</summary>
    private static double[] Numbers(string line) =>
        System.Text.RegularExpressions.Regex.Matches(line, @"(?<![A-Za-z\d.])\d+(\.\d+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();

    private static async Task<string> BuildReferenceAsync()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Messaging", "zmq_reference.c");
        var binary = Path.Combine(Path.GetTempPath(), $"fleet-zmq-reference-{File.GetLastWriteTimeUtc(source).Ticks}");
        if (!File.Exists(binary))
        {
            var (code, output) = await RunAsync("gcc", ["-O2", "-o", binary, source, "-lzmq", "-lpthread"]);
            if (code != 0)
            {
                throw new InvalidOperationException($"Building the C reference failed (needs gcc and libzmq3-dev: apt-get install -y gcc libzmq3-dev):\n{output}");
            }
        }

        return binary;
    }

    private static async Task<string> RunReferenceAsync(string binary, string mode, int size, int count, bool curve)
    {
        var (code, output) = await RunAsync(binary, [mode, size.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), curve ? "1" : "0"]);
        return code == 0 ? output.Trim() : throw new InvalidOperationException($"The C reference failed ({code}): {output}");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Fresh CURVE keys for one run, with the client in the server's allow-list (the SDK always runs its ZAP handler).</summary>
    private sealed class BenchKeys : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("fleet-bench-keys-").FullName;
        private readonly CurveCertificate _server;
        private readonly CurveKeyPair _client;

        public BenchKeys()
        {
            var generator = new ZmqCurveKeyGenerator();
            _server = new CurveCertificate(generator.Generate());
            _client = generator.Generate();
            new CurveCertificate(_client.PublicKey).Save(Path.Combine(_directory, "authorized"), "client");
            Security = FleetSecurityFactory.Create(new FleetSecurityOptions { CertificatesDirectory = _directory });
        }

        public IFleetSecurity Security { get; }

        public void Server(ZmqSocket socket) => socket.UseCurveServer(_server);

        public void Client(ZmqSocket socket) => socket.UseCurveClient(_server.PublicKey, _client);

        public void Dispose()
        {
            ((IDisposable)Security).Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
