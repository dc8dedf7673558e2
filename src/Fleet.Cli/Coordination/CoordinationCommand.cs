using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Fleet.Cli.Coordination;

/// <summary><c>fleet coordination status</c>: the engine that holds the fleet's shared state, its nodes, leader and replication lag, and its streams and buckets.</summary>
internal static class CoordinationCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var options = new CoordinationCliOptions();
        var status = new Command("status", "Show the engine, its nodes, the leader, replication lag, and the streams and buckets. Exit 1 when something is wrong (a replica down, a sentinel unreachable, a stream without a leader).");
        options.AddTo(status);
        status.SetAction((parse, cancellationToken) =>
            StatusAsync(options.Configuration(parse), parse.GetValue(options.Json), parse.InvocationConfiguration.Output, cancellationToken));

        var coordination = new Command("coordination", "Inspect the coordination engine (in-process, Redis, Redis Sentinel or NATS JetStream) configured by Fleet:Coordination.");
        coordination.Subcommands.Add(status);
        return coordination;
    }

    internal static async Task<int> StatusAsync(IConfiguration configuration, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddFleetCoordination();
        await using var provider = services.BuildServiceProvider();
        var options = CoordinationSettings.Resolve(() => provider.GetRequiredService<IOptions<FleetCoordinationOptions>>().Value);
        var engine = CoordinationSettings.Resolve(() => provider.GetRequiredService<IFleetCoordination>());

        CoordinationStatus status;
        try
        {
            status = await engine.GetStatusAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (CoordinationUnavailableException ex)
        {
            throw new CliException(ex.Message, ex, ExitCodes.Problems);
        }

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(ToJson(status), Indented)).ConfigureAwait(false);
        }
        else
        {
            await WriteTextAsync(status, output).ConfigureAwait(false);
        }

        return status.Problems.Count == 0 ? ExitCodes.Success : ExitCodes.Problems;
    }

    private static object ToJson(CoordinationStatus status) => new
    {
        engine = status.Engine.ToString(),
        endpoint = status.Endpoint,
        key_prefix = status.KeyPrefix,
        round_trip_ms = status.RoundTrip is { } rtt ? Math.Round(rtt.TotalMilliseconds, 2) : (double?)null,
        leader = status.Leader,
        nodes = status.Nodes.Select(n => new { name = n.Name, role = n.Role, state = n.State, lag = n.LagOperations, last_seen_ms = n.LastSeen is { } seen ? Math.Round(seen.TotalMilliseconds) : (double?)null }),
        streams = status.Streams.Select(Store),
        buckets = status.Buckets.Select(Store),
        problems = status.Problems,
    };

    private static object Store(CoordinationStoreStatus s) => new { name = s.Name, entries = s.Entries, bytes = s.Bytes, replicas = s.Replicas, leader = s.Leader };

    private static async Task WriteTextAsync(CoordinationStatus status, TextWriter output)
    {
        var invariant = CultureInfo.InvariantCulture;
        await output.WriteLineAsync($"engine:   {status.Engine}{(status.Engine == CoordinationEngine.InProcess ? " (nothing shared: set Fleet:Coordination:Redis or :Nats to coordinate machines)" : string.Empty)}").ConfigureAwait(false);
        await output.WriteLineAsync($"endpoint: {(status.Endpoint.Length == 0 ? "-" : status.Endpoint)}").ConfigureAwait(false);
        await output.WriteLineAsync($"fleet:    {status.KeyPrefix}").ConfigureAwait(false);
        await output.WriteLineAsync($"ping:     {(status.RoundTrip is { } rtt ? rtt.TotalMilliseconds.ToString("0.0", invariant) + " ms" : "-")}").ConfigureAwait(false);
        await output.WriteLineAsync($"leader:   {status.Leader ?? "none"}").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await TextTable.WriteAsync(
            output,
            ["NODE", "ROLE", "STATE", "LAG", "LAST SEEN"],
            status.Nodes.Select(n => new[]
            {
                n.Name, n.Role, n.State, n.LagOperations?.ToString(invariant) ?? "-",
                n.LastSeen is { } seen ? seen.TotalSeconds.ToString("0.0", invariant) + "s" : "-",
            }).ToList()).ConfigureAwait(false);
        foreach (var (title, stores) in new[] { ("STREAM", status.Streams), ("BUCKET", status.Buckets) })
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            if (stores.Count == 0)
            {
                await output.WriteLineAsync($"No {title.ToLowerInvariant()}s.").ConfigureAwait(false);
                continue;
            }

            await TextTable.WriteAsync(
                output,
                [title, "ENTRIES", "BYTES", "REPLICAS", "LEADER"],
                stores.Select(s => new[] { s.Name, s.Entries.ToString(invariant), s.Bytes?.ToString(invariant) ?? "-", s.Replicas?.ToString(invariant) ?? "-", s.Leader ?? "-" }).ToList()).ConfigureAwait(false);
        }

        foreach (var problem in status.Problems)
        {
            await output.WriteLineAsync($"problem: {problem}").ConfigureAwait(false);
        }
    }
}
