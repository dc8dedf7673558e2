using System.Diagnostics;
using System.Globalization;
using Fleet.Sdk.Messaging;

namespace Fleet.Sdk.Benchmarks.Messaging;

/// <summary>
/// <c>rpc [COUNT]</c>: agent RPC end to end over loopback TCP (AgentRpcClient to AgentRpcServer,
/// a trivial handler), requests per second and p50/p99 latency, for 1 client and 8 concurrent
/// clients, in both protocols and both handler dispatch modes.
/// </summary>
public static class RpcRunner
{
    public const string Usage = "[COUNT]   agent RPC requests/s and p50/p99, 1 and 8 clients, legacy and fleet.rpc/1, pooled and inline handlers";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        foreach (var inline in new[] { false, true })
        {
            foreach (var protocol in new[] { AgentRpcProtocol.Legacy, AgentRpcProtocol.Fleet })
            {
                foreach (var clients in new[] { 1, 8 })
                {
                    Console.WriteLine(await MeasureAsync(protocol, inline, clients, count));
                }
            }
        }

        return 0;
    }

    private static async Task<string> MeasureAsync(AgentRpcProtocol protocol, bool inline, int clientCount, int count)
    {
        using var context = new ZmqContext(new FleetMessagingOptions { AgentName = "bench" });
        var serverOptions = new AgentRpcServerOptions { InlineHandlers = inline };
        serverOptions.Endpoints.Add("tcp://127.0.0.1:*");
        var handlers = new AgentRpcHandlers().Add("echo", request => request.Body.Clone());
        await using var server = new AgentRpcServer(context, serverOptions, handlers);
        server.Start();

        var clients = Enumerable.Range(0, clientCount).Select(_ =>
        {
            var options = new AgentRpcClientOptions { Protocol = protocol, Endpoints = { server.Endpoints[0] } };
            return new AgentRpcClient(context, options);
        }).ToList();
        try
        {
            var request = """{"action":"echo","payload":"0123456789abcdef"}"""u8.ToArray();
            foreach (var client in clients)
            {
                for (var i = 0; i < 500; i++)
                {
                    await client.CallJsonAsync(request);
                }
            }

            var perClient = count / clientCount;
            var latencies = new double[perClient * clientCount];
            var start = Stopwatch.GetTimestamp();
            await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
            {
                for (var i = 0; i < perClient; i++)
                {
                    var begin = Stopwatch.GetTimestamp();
                    await client.CallJsonAsync(request);
                    latencies[(c * perClient) + i] = Stopwatch.GetElapsedTime(begin).TotalMicroseconds;
                }
            })));
            var elapsed = Stopwatch.GetElapsedTime(start);
            Array.Sort(latencies);
            return string.Create(CultureInfo.InvariantCulture,
                $"rpc protocol={(protocol == AgentRpcProtocol.Fleet ? "fleet.rpc/1" : "legacy")} handlers={(inline ? "inline" : "pool")} clients={clientCount} n={latencies.Length} : " +
                $"{latencies.Length / elapsed.TotalSeconds:0} req/s p50 {latencies[latencies.Length / 2]:0.0} us p99 {latencies[latencies.Length * 99 / 100]:0.0} us");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
