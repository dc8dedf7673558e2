using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>
/// Absurd toxic attributes (the API accepts any int64, as Toxiproxy does) on live connections: no
/// link fails unexpectedly (event 9004), and once the toxic is removed the proxy carries data again.
/// </summary>
public sealed class FaultProxyToxicFuzzTests
{
    private static readonly (string Type, string Attribute)[] Attributes =
    [
        ("latency", "latency"), ("latency", "jitter"), ("bandwidth", "rate"), ("slow_close", "delay"), ("timeout", "timeout"),
        ("reset_peer", "timeout"), ("slicer", "average_size"), ("slicer", "size_variation"), ("slicer", "delay"), ("limit_data", "bytes"),
    ];

    private static readonly long[] Absurd = [long.MaxValue, long.MinValue, long.MaxValue / 50, int.MaxValue + 1L, -1, 0, 1];

    [Fact]
    public async Task Toxic_AbsurdAttributeOnLiveConnection_NoLinkFailsAndProxyServesAfterRemoval()
    {
        var cases = Attributes.SelectMany(a => Absurd.Select(v => (a.Type, a.Attribute, Value: v))).ToList();
        await RunAsync(cases);
    }

    [Fact]
    public async Task Toxic_GeneratedAttributes_NoLinkFailsAndProxyServesAfterRemoval()
    {
        var value = Gen.OneOf(ArbMap.Default.GeneratorFor<long>(), Gen.Elements(Absurd), Gen.Choose(-5, 5000).Select(v => (long)v));
        var cases = Gen.Elements(Attributes)
            .SelectMany(a => value.Select(v => (a.Type, a.Attribute, Value: v)))
            .Sample(FuzzBudget.Cases(40))
            .ToList();
        await RunAsync(cases);
    }

    /// <summary>One proxy per case, all at once: each gets its toxic, a connection that sends, then the toxic goes and a new connection must echo.</summary>
    private static async Task RunAsync(IReadOnlyList<(string Type, string Attribute, long Value)> cases)
    {
        var logs = new ListLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using var server = await FaultProxyServer.StartAsync(new FaultProxyServerOptions { LoggerFactory = loggerFactory });
        using var client = server.CreateClient();
        await using var upstream = TcpPeer.Echo();

        // At most 40 at once, so that FLEET_FUZZ_CASES in the thousands measures the proxy, not a starved box.
        using var slots = new SemaphoreSlim(40);
        var outcomes = await Task.WhenAll(cases.Select(async (c, i) =>
        {
            await slots.WaitAsync();
            try
            {
                return await RunOneAsync(client, upstream, c, $"case{i}");
            }
            finally
            {
                slots.Release();
            }
        }));

        var failures = outcomes.Where(o => o is not null)
            .Concat(logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.EventId.Id} {e.Message} {e.Exception}"))
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Returns why the case failed, or <see langword="null"/>.</summary>
    private static async Task<string?> RunOneAsync(ToxiproxyClient client, TcpPeer upstream, (string Type, string Attribute, long Value) c, string name)
    {
        var proxy = await client.CreateProxyAsync(name, "127.0.0.1:0", upstream.Address);
        await client.AddToxicAsync(name, new ToxiproxyToxic { Type = c.Type, Name = "absurd", Attributes = new Dictionary<string, long> { [c.Attribute] = c.Value } });
        using (var socket = await ConnectAsync(proxy.Listen))
        {
            await SendAndReadAsync(socket, TimeSpan.FromMilliseconds(300));
        }

        await client.RemoveToxicAsync(name, "absurd");
        int echoed;
        using (var after = await ConnectAsync(proxy.Listen))
        {
            echoed = await SendAndReadAsync(after, TimeSpan.FromSeconds(10));
        }

        await client.DeleteProxyAsync(name);
        return echoed == Payload.Length ? null : $"{c.Type} {c.Attribute}={c.Value}: the proxy echoed {echoed} of {Payload.Length} bytes after the toxic was removed";
    }

    private static readonly byte[] Payload = [.. Enumerable.Range(0, 2000).Select(i => (byte)i)];

    private static async Task<Socket> ConnectAsync(string listen)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPEndPoint.Parse(listen));
        return socket;
    }

    /// <summary>Sends the payload and reads what comes back within <paramref name="window"/>; returns the byte count (the toxic may hold, cut or reset it).</summary>
    private static async Task<int> SendAndReadAsync(Socket socket, TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        var total = 0;
        try
        {
            await socket.SendAsync(Payload, SocketFlags.None, cts.Token);
            var buffer = new byte[Payload.Length];
            while (total < Payload.Length)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // Held, reset or closed by the toxic: what came back so far is the answer.
            return total;
        }

        return total;
    }
}
