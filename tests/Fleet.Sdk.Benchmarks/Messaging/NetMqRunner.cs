using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;
using NetMQ;
using NetMQ.Sockets;

namespace Fleet.Sdk.Benchmarks.Messaging;

/// <summary>
/// Why Messaging binds libzmq and not NetMQ (docs/architecture.md, "Why libzmq and not NetMQ"), measured:
/// <c>netmq thr SIZE COUNT [--rounds N]</c> alternates PUSH/PULL throughput over tcp loopback, NetMQ 4.0.4.5
/// against Fleet.Sdk's libzmq binding, in one run; <c>netmq curve [--tries N]</c> connects a pyzmq CURVE
/// client with a key pair nobody has seen to a NetMQ CURVE server and to a Fleet.Sdk CURVE server
/// whose allow-list does not hold it, and reports which of them answered.
/// NetMQ is referenced by this project only, for this comparison; no package under src/ uses it.
/// </summary>
public static class NetMqRunner
{
    public const string Usage = "thr SIZE COUNT [--rounds N] | curve [--tries N]   NetMQ vs our libzmq binding: throughput, and whether a CURVE server refuses an unknown client key";

    private const string Python = "/usr/bin/python3";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return args switch
            {
                ["thr", var size, var count, .. var rest] => Throughput(int.Parse(size, CultureInfo.InvariantCulture), int.Parse(count, CultureInfo.InvariantCulture), Option(rest, "--rounds", 5)),
                ["curve", .. var rest] => await UnknownKeyAsync(Option(rest, "--tries", 3)),
                _ => UsageError(),
            };
        }
        finally
        {
            NetMQConfig.Cleanup(block: false);
        }
    }

    private static int UsageError()
    {
        Console.Error.WriteLine($"usage: netmq {Usage}");
        return 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int Throughput(int size, int count, int rounds)
    {
        var netmq = new List<double>();
        var libzmq = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var rate = NetMqThroughput(size, count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"NetMQ  thr size={size} msgs={count} : {rate:0} msg/s"));
            netmq.Add(rate);

            var line = ZmqRunner.Throughput(size, count, curve: false);
            Console.WriteLine($"libzmq {line}");
            libzmq.Add(double.Parse(line.Split(':')[^1].Replace("msg/s", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture));
        }

        var n = Median(netmq);
        var z = Median(libzmq);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median of {rounds}: NetMQ {n:0} msg/s, libzmq binding {z:0} msg/s, NetMQ/libzmq = {n / z:0.00}"));
        return 0;
    }

    /// <summary>PUSH -> PULL as <see cref="ZmqRunner.Throughput"/> does: messages per second after the first one arrives.</summary>
    private static double NetMqThroughput(int size, int count)
    {
        using var pull = new PullSocket();
        var port = pull.BindRandomPort("tcp://127.0.0.1");
        double rate = 0;
        var sink = new Thread(() =>
        {
            var msg = default(Msg);
            msg.InitEmpty();
            pull.Receive(ref msg);
            var start = Stopwatch.GetTimestamp();
            for (var i = 1; i < count; i++)
            {
                pull.Receive(ref msg);
            }

            rate = (count - 1) / Stopwatch.GetElapsedTime(start).TotalSeconds;
            msg.Close();
        });
        sink.Start();

        using var push = new PushSocket();
        push.Connect($"tcp://127.0.0.1:{port}");
        var message = new byte[size];
        for (var i = 0; i < count; i++)
        {
            push.SendFrame(message);
        }

        sink.Join();
        return rate;
    }

    /// <summary>A pyzmq client with a fresh key pair against each CURVE server; a reply means the server admitted a key it had never seen.</summary>
    private static async Task<int> UnknownKeyAsync(int tries)
    {
        var netmqAccepted = 0;
        var libzmqAccepted = 0;
        for (var i = 0; i < tries; i++)
        {
            netmqAccepted += await NetMqServerAnswersUnknownClientAsync() ? 1 : 0;
            libzmqAccepted += await LibZmqServerAnswersUnknownClientAsync() ? 1 : 0;
        }

        Console.WriteLine($"NetMQ 4.0.4.5 CURVE server (no ZAP): answered a pyzmq client with an unknown key {netmqAccepted} of {tries} times");
        Console.WriteLine($"Fleet.Sdk libzmq CURVE server (ZAP allow-list): answered it {libzmqAccepted} of {tries} times");
        return libzmqAccepted == 0 ? 0 : 1;
    }

    private static async Task<bool> NetMqServerAnswersUnknownClientAsync()
    {
        var certificate = new NetMQCertificate();
        using var server = new ResponseSocket();
        server.Options.CurveServer = true;
        server.Options.CurveCertificate = certificate;
        var port = server.BindRandomPort("tcp://127.0.0.1");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var serve = Task.Run(() =>
        {
            if (server.TryReceiveFrameString(TimeSpan.FromSeconds(8), out var request))
            {
                server.SendFrame("accepted " + request);
            }
        });
        var answered = await PyZmqClientAsync($"tcp://127.0.0.1:{port}", certificate.PublicKeyZ85);
        await serve;
        return answered;
    }

    private static async Task<bool> LibZmqServerAnswersUnknownClientAsync()
    {
        var directory = Directory.CreateTempSubdirectory("fleet-netmq-compare-").FullName;
        try
        {
            var generator = new ZmqCurveKeyGenerator();
            var serverCertificate = new CurveCertificate(generator.Generate());
            new CurveCertificate(generator.Generate().PublicKey).Save(Path.Combine(directory, "authorized"), "someone-else");
            var security = FleetSecurityFactory.Create(new FleetSecurityOptions { CertificatesDirectory = directory });
            using var ownsSecurity = (IDisposable)security;
            using var context = new ZmqContext(security: security);
            using var server = context.CreateSocket(Fleet.Sdk.Messaging.ZmqSocketType.Rep);
            server.UseCurveServer(serverCertificate);
            var endpoint = server.Bind("tcp://127.0.0.1:*");
            var serve = Task.Run(() =>
            {
                var buffer = new byte[256];
                if (server.TryReceive(buffer, TimeSpan.FromSeconds(8), out var received))
                {
                    server.TrySend(Encoding.UTF8.GetBytes("accepted " + Encoding.UTF8.GetString(buffer, 0, received)), TimeSpan.FromSeconds(1));
                }
            });
            var answered = await PyZmqClientAsync(endpoint, serverCertificate.PublicKey.ToZ85());
            await serve;
            return answered;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>pyzmq REQ with a key pair made on the spot; true when the server replied within 3 s.</summary>
    private static async Task<bool> PyZmqClientAsync(string endpoint, string serverKeyZ85)
    {
        const string Script = """
            import sys, zmq
            ctx = zmq.Context()
            s = ctx.socket(zmq.REQ)
            s.curve_publickey, s.curve_secretkey = zmq.curve_keypair()
            s.curve_serverkey = sys.argv[2].encode()
            s.linger = 0
            s.connect(sys.argv[1])
            s.send(b"hello")
            print(s.recv().decode() if s.poll(3000) else "no reply")
            """;
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", Script, endpoint, serverKeyZ85 })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {Python} (apt-get install python3-zmq).");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The pyzmq client failed ({process.ExitCode}; needs {Python} with python3-zmq): {error}");
        }

        return output.Trim().StartsWith("accepted", StringComparison.Ordinal);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
