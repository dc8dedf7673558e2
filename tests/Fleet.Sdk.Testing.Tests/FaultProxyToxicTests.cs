using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>
/// What the proxy does to data, per TOXIPROXY.md's list of behaviours. Timing bounds are
/// deliberately wide (the CI machine has 2 shared cores): they prove a toxic acts, not its precision.
/// </summary>
public sealed class FaultProxyToxicTests : ProxyTestBase
{
    private static readonly byte[] Ping = [1, 2, 3, 4];

    [Fact]
    public async Task Forward_64KiB_ArrivesIntact()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        var data = Tcp.Pattern(64 * 1024);

        var send = Tcp.SendAsync(client, data);
        var echoed = await Tcp.ReadExactlyAsync(client, data.Length);
        await send;

        Assert.Equal(data, echoed);
    }

    [Fact]
    public async Task Connect_UpstreamDown_ClientReadsEofWithin500Ms()
    {
        var proxy = await CreateAsync("p", $"127.0.0.1:{FreePort()}");
        using var client = await Tcp.ConnectAsync(proxy.Listen);

        var (end, _) = await Tcp.ReadOnceAsync(client, TimeSpan.FromMilliseconds(500));

        Assert.NotEqual(ReadEnd.TimedOut, end);
        Assert.NotEqual(ReadEnd.Data, end);
        Assert.True((await Client.GetProxyAsync("p")).Enabled);
    }

    [Fact]
    public async Task Latency_Upstream100Ms_RoundTripTakesAbout100Ms()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(100), stream: ToxicStream.Upstream));
        using var client = await Tcp.ConnectAsync(proxy.Listen);

        var elapsed = await RoundTripAsync(client);

        Assert.InRange(elapsed.TotalMilliseconds, 95, 1500);
    }

    [Fact]
    public async Task Latency_TwoToxicsInOneDirection_Add()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(150), name: "first"));
        await Client.AddToxicAsync("p", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(150), name: "second"));
        using var client = await Tcp.ConnectAsync(proxy.Listen);

        var elapsed = await RoundTripAsync(client);

        Assert.InRange(elapsed.TotalMilliseconds, 290, 2000);
    }

    [Fact]
    public async Task Latency_AddedToAnOpenConnection_AppliesToItsNextMessage()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        var before = await RoundTripAsync(client);

        await Client.AddToxicAsync("p", ToxiproxyToxic.Latency(TimeSpan.FromMilliseconds(200)));
        var after = await RoundTripAsync(client);

        Assert.True(before < TimeSpan.FromMilliseconds(150), $"before the toxic a round trip took {before.TotalMilliseconds} ms");
        Assert.InRange(after.TotalMilliseconds, 195, 1500);
    }

    [Fact]
    public async Task RemoveToxic_LatencyHoldingData_FlushesItAtOnce()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.Latency(TimeSpan.FromSeconds(30), name: "stuck"));
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        await Tcp.SendAsync(client, Ping);
        Assert.Equal(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(client, TimeSpan.FromMilliseconds(200))).End);

        await Client.RemoveToxicAsync("p", "stuck");

        Assert.Equal(Ping, await Tcp.ReadExactlyAsync(client, Ping.Length, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Bandwidth_1000KBps_Moves480000BytesInAbout480Ms()
    {
        await using var upstream = TcpPeer.Listen();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.Bandwidth(1000, ToxicStream.Upstream));
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        using var server = await upstream.AcceptAsync();
        var data = Tcp.Pattern(480_000);

        var watch = Stopwatch.StartNew();
        var send = Tcp.SendAsync(client, data);
        var received = await Tcp.ReadExactlyAsync(server, data.Length, TimeSpan.FromSeconds(10));
        watch.Stop();
        await send;

        Assert.Equal(data, received);
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 380, 1500);
    }

    [Fact]
    public async Task Timeout_Zero_HoldsDataAndRemovingItClosesBothSides()
    {
        await using var upstream = TcpPeer.Listen();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.Timeout(TimeSpan.Zero, ToxicStream.Upstream, "hold"));
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        using var server = await upstream.AcceptAsync();
        await Tcp.SendAsync(client, Ping);
        Assert.Equal(ReadEnd.TimedOut, (await Tcp.ReadOnceAsync(server, TimeSpan.FromMilliseconds(300))).End);

        await Client.RemoveToxicAsync("p", "hold");

        Assert.Equal(ReadEnd.Eof, (await Tcp.ReadToEndAsync(server, TimeSpan.FromSeconds(3))).End);
        Assert.NotEqual(ReadEnd.TimedOut, (await Tcp.ReadToEndAsync(client, TimeSpan.FromSeconds(3))).End);
    }

    [Fact]
    public async Task Timeout_200Ms_ClosesTheConnectionAfterIt()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.Timeout(TimeSpan.FromMilliseconds(200)));
        var watch = Stopwatch.StartNew();
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        await Tcp.SendAsync(client, Ping);

        var (data, end) = await Tcp.ReadToEndAsync(client, TimeSpan.FromSeconds(5));

        Assert.Empty(data);
        Assert.NotEqual(ReadEnd.TimedOut, end);
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 150, 2000);
    }

    [Fact]
    public async Task ResetPeer_DataSent_ClientSeesConnectionReset()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.ResetPeer(TimeSpan.FromMilliseconds(100), ToxicStream.Upstream));
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        var watch = Stopwatch.StartNew();
        await Tcp.SendAsync(client, Ping);

        var (end, _) = await Tcp.ReadOnceAsync(client, TimeSpan.FromSeconds(3));

        Assert.Equal(ReadEnd.Reset, end);
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 90, 1500);
    }

    [Fact]
    public async Task SlowClose_UpstreamCloses_ClientSeesEofOnlyAfterTheDelay()
    {
        await using var upstream = TcpPeer.Listen();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.SlowClose(TimeSpan.FromMilliseconds(300)));
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        var server = await upstream.AcceptAsync();

        var watch = Stopwatch.StartNew();
        server.Dispose();
        var (_, end) = await Tcp.ReadToEndAsync(client, TimeSpan.FromSeconds(3));

        Assert.Equal(ReadEnd.Eof, end);
        Assert.InRange(watch.Elapsed.TotalMilliseconds, 280, 2000);
    }

    [Fact]
    public async Task LimitData_100_ForwardsExactly100BytesThenCloses()
    {
        await using var upstream = TcpPeer.Listen();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.LimitData(100));
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        using var server = await upstream.AcceptAsync();
        var data = Tcp.Pattern(1000);

        await Tcp.SendAsync(server, data);
        var (received, end) = await Tcp.ReadToEndAsync(client, TimeSpan.FromSeconds(3));

        Assert.Equal(data[..100], received);
        Assert.NotEqual(ReadEnd.TimedOut, end);
    }

    [Theory]
    [InlineData(24, 1, 0, 24)]
    [InlineData(1, 1, 0, 1)]
    [InlineData(1000, 1000, 0, 1)]
    public void SlicerCut_Sizes_GivesTheExpectedPieceCount(int size, long average, long variation, int pieces)
    {
        var ends = SlicerStage.Cut(size, average, variation);

        Assert.Equal(pieces, ends.Count);
        Assert.Equal(size, ends[^1]);
    }

    [Fact]
    public void SlicerCut_AnyAttributes_PiecesAreNonEmptyAndReassembleExactly()
    {
        foreach (var (average, variation) in new (long, long)[] { (0, 0), (0, 5), (-1, 0), (2, 1), (5, 10), (10, 10), (64, 8), (1024, 512) })
        {
            foreach (var size in new[] { 1, 2, 21, 64, 1000, 4096 })
            {
                var ends = SlicerStage.Cut(size, average, variation);
                var previous = 0;
                foreach (var end in ends)
                {
                    Assert.True(end > previous, $"average {average}, variation {variation}, size {size}: empty piece");
                    previous = end;
                }

                Assert.Equal(size, previous);
            }
        }
    }

    [Fact]
    public async Task Slicer_EndToEnd_DataArrivesIntact()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.Slicer(64, 16, TimeSpan.FromMicroseconds(50)));
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        var data = Tcp.Pattern(4096);

        await Tcp.SendAsync(client, data);

        Assert.Equal(data, await Tcp.ReadExactlyAsync(client, data.Length, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Toxicity_Zero_ToxicNeverApplies()
    {
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        await Client.AddToxicAsync("p", ToxiproxyToxic.Timeout(TimeSpan.Zero, ToxicStream.Upstream) with { Toxicity = 0 });

        for (var i = 0; i < 20; i++)
        {
            using var client = await Tcp.ConnectAsync(proxy.Listen);
            await Tcp.SendAsync(client, Ping);
            Assert.Equal(Ping, await Tcp.ReadExactlyAsync(client, Ping.Length));
        }
    }

    [Fact]
    public async Task SequencedWrites_ToxicsAddedAndRemovedMeanwhile_ArriveInOrder()
    {
        const int Count = 65_535;
        await using var upstream = TcpPeer.Echo();
        var proxy = await CreateAsync("p", upstream.Address);
        using var client = await Tcp.ConnectAsync(proxy.Listen);
        using var stop = new CancellationTokenSource();

        var churn = Task.Run(async () =>
        {
            var cycles = 0;
            while (!stop.IsCancellationRequested)
            {
                await Client.AddToxicAsync("p", ToxiproxyToxic.Latency(TimeSpan.Zero, stream: ToxicStream.Upstream, name: "up"));
                await Client.AddToxicAsync("p", new ToxiproxyToxic { Type = "noop", Name = "down" });
                await Client.RemoveToxicAsync("p", "up");
                await Client.RemoveToxicAsync("p", "down");
                cycles++;
            }

            return cycles;
        });

        var reader = Task.Run(async () =>
        {
            var all = await Tcp.ReadExactlyAsync(client, Count * 4, TimeSpan.FromSeconds(60));
            for (var i = 0; i < Count; i++)
            {
                Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(all.AsSpan(i * 4)));
            }
        });

        var one = new byte[4];
        for (var i = 0; i < Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(one, i);
            await Tcp.SendAsync(client, one);
        }

        await reader;
        await stop.CancelAsync();
        Assert.True(await churn > 0, "no toxic was added while the writes were in flight");
    }

    [Fact]
    public async Task BrokenClientsAndUpstreams_ProxyStaysUpAndServesTheNextClient()
    {
        await using var upstream = TcpPeer.Listen();
        var proxy = await CreateAsync("p", upstream.Address);

        var rude = await Tcp.ConnectAsync(proxy.Listen);
        await Tcp.SendAsync(rude, Tcp.Pattern(10_000));
        rude.LingerState = new LingerOption(true, 0);
        rude.Dispose();

        using var victim = await Tcp.ConnectAsync(proxy.Listen);
        using (var accepted = await upstream.AcceptAsync())
        {
            using var second = await upstream.AcceptAsync();
            foreach (var socket in (Socket[])[accepted, second])
            {
                socket.LingerState = new LingerOption(true, 0);
            }
        }

        Assert.NotEqual(ReadEnd.TimedOut, (await Tcp.ReadToEndAsync(victim, TimeSpan.FromSeconds(3))).End);
        using var next = await Tcp.ConnectAsync(proxy.Listen);
        using var served = await upstream.AcceptAsync();
        await Tcp.SendAsync(next, Ping);
        Assert.Equal(Ping, await Tcp.ReadExactlyAsync(served, Ping.Length));
        Assert.Equal(200, (await CallAsync("GET", "/proxies/p")).Status);
    }

    [Fact]
    public async Task Dispose_Server_ReleasesApiProxiesAndOpenConnections()
    {
        await using var upstream = TcpPeer.Echo();
        await using var server = await FaultProxyServer.StartAsync();
        using var client = server.CreateClient();
        var proxy = await client.CreateProxyAsync("p", "127.0.0.1:0", upstream.Address);
        using var open = await Tcp.ConnectAsync(proxy.Listen);

        await server.DisposeAsync();

        Assert.True(await Tcp.IsRefusedAsync(proxy.ListenEndPoint!));
        Assert.True(await Tcp.IsRefusedAsync(server.ApiEndPoint));
        Assert.NotEqual(ReadEnd.TimedOut, (await Tcp.ReadToEndAsync(open, TimeSpan.FromSeconds(3))).End);
    }

    private static async Task<TimeSpan> RoundTripAsync(Socket client)
    {
        var watch = Stopwatch.StartNew();
        await Tcp.SendAsync(client, Ping);
        Assert.Equal(Ping, await Tcp.ReadExactlyAsync(client, Ping.Length, TimeSpan.FromSeconds(5)));
        return watch.Elapsed;
    }
}
