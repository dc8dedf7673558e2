using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Benchmarks.FaultProxy;

/// <summary>
/// End-to-end cost of the fault proxy with no toxics, on loopback: the round-trip latency it adds
/// (p50/p99 against a direct connection to the same echo server) and its throughput in MB/s.
/// Client, proxy and servers share this process and machine, as they do in tests.
/// </summary>
internal static class ProxyRunner
{
    public const string Usage = "[--round-trips N (20000)] [--message-bytes B (64)] [--megabytes M (1024)]: added round-trip latency and throughput of the fault proxy, no toxics";

    public static async Task<int> RunAsync(string[] args)
    {
        var roundTrips = Option(args, "--round-trips", 20_000);
        var messageBytes = Option(args, "--message-bytes", 64);
        var megabytes = Option(args, "--megabytes", 1024);

        await using var server = await FaultProxyServer.StartAsync();
        using var client = server.CreateClient();
        using var echo = Listen();
        using var sink = Listen();
        var echoTask = ServeAsync(echo, Echo);
        var sinkTask = ServeAsync(sink, Drain);
        var echoProxy = await client.CreateProxyAsync("echo", "127.0.0.1:0", Format(echo));
        var sinkProxy = await client.CreateProxyAsync("sink", "127.0.0.1:0", Format(sink));

        var direct = RoundTrips((IPEndPoint)echo.LocalEndPoint!, roundTrips, messageBytes);
        var proxied = RoundTrips(echoProxy.ListenEndPoint!, roundTrips, messageBytes);
        Console.WriteLine(Invariant($"round trip, {messageBytes} B messages, {roundTrips} samples each:"));
        Console.WriteLine(Invariant($"  direct   p50 {direct.P50,7:0.0} us   p99 {direct.P99,7:0.0} us"));
        Console.WriteLine(Invariant($"  proxied  p50 {proxied.P50,7:0.0} us   p99 {proxied.P99,7:0.0} us"));
        Console.WriteLine(Invariant($"  added    p50 {proxied.P50 - direct.P50,7:0.0} us   p99 {proxied.P99 - direct.P99,7:0.0} us   (aim: p50 < 100 us)"));

        var bytes = (long)megabytes * 1024 * 1024;
        var directRate = await ThroughputAsync((IPEndPoint)sink.LocalEndPoint!, bytes);
        var proxiedRate = await ThroughputAsync(sinkProxy.ListenEndPoint!, bytes);
        Console.WriteLine(Invariant($"throughput, {megabytes} MiB one way:"));
        Console.WriteLine(Invariant($"  direct   {directRate,8:0} MB/s"));
        Console.WriteLine(Invariant($"  proxied  {proxiedRate,8:0} MB/s   (aim: > 500 MB/s)"));

        echo.Dispose();
        sink.Dispose();
        await Task.WhenAll(echoTask, sinkTask);
        return 0;
    }

    private static (double P50, double P99) RoundTrips(IPEndPoint target, int count, int size)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(target);
        var message = new byte[size];
        var reply = new byte[size];
        var samples = new double[count];
        for (var i = -count / 10; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            socket.Send(message);
            for (var read = 0; read < size;)
            {
                read += socket.Receive(reply, read, size - read, SocketFlags.None);
            }

            if (i >= 0)
            {
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        Array.Sort(samples);
        return (samples[count / 2], samples[(int)(count * 0.99)]);
    }

    private static async Task<double> ThroughputAsync(IPEndPoint target, long bytes)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(target);
        var block = new byte[256 * 1024];
        var watch = Stopwatch.StartNew();
        for (long sent = 0; sent < bytes; sent += block.Length)
        {
            await socket.SendAsync(block);
        }

        // The sink answers one byte when the connection ends: all data has arrived.
        socket.Shutdown(SocketShutdown.Send);
        await socket.ReceiveAsync(new byte[1]);
        return bytes / 1e6 / watch.Elapsed.TotalSeconds;
    }

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen(16);
        return socket;
    }

    private static async Task ServeAsync(Socket listener, Func<Socket, Task> serve)
    {
        var clients = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptAsync();
                client.NoDelay = true;
                clients.Add(Task.Run(() => serve(client)));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            await Task.WhenAll(clients);
        }
    }

    private static async Task Echo(Socket client)
    {
        using (client)
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await Receive(client, buffer)) > 0)
            {
                await client.SendAsync(buffer.AsMemory(0, read));
            }
        }
    }

    private static async Task Drain(Socket client)
    {
        using (client)
        {
            var buffer = new byte[256 * 1024];
            long total = 0;
            int read;
            while ((read = await Receive(client, buffer)) > 0)
            {
                total += read;
            }

            Debug.Assert(total > 0, "the sink received nothing");

            await client.SendAsync(new byte[1]);
        }
    }

    private static async Task<int> Receive(Socket client, byte[] buffer)
    {
        try
        {
            return await client.ReceiveAsync(buffer);
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Format(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).ToString();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
