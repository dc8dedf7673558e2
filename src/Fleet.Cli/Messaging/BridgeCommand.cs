using System.CommandLine;
using System.Text.Json;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;

namespace Fleet.Cli.Messaging;

/// <summary><c>fleet bridge run|status</c>: one bridge of the primary/backup pair, standalone; and what a pair says about itself.</summary>
internal static class BridgeCommand
{
    public static Command Create()
    {
        var bridge = new Command("bridge", "The cross-machine event bridge: a primary/backup pair with fail-over and fencing.");
        bridge.Subcommands.Add(CreateRun());
        bridge.Subcommands.Add(CreateStatus());
        return bridge;
    }

    private static Command CreateRun()
    {
        var role = new Option<BridgeRole>("--role") { Description = "primary or backup.", DefaultValueFactory = _ => BridgeRole.Primary };
        var name = new Option<string?>("--name") { Description = "The bridge's name (default bridge-ROLE)." };
        var frontend = new Option<string>("--frontend") { Description = "Endpoint publishers connect to, for example tcp://10.0.0.5:5600.", Required = true };
        var backend = new Option<string>("--backend") { Description = "Endpoint subscribers connect to, for example tcp://10.0.0.5:5601.", Required = true };
        var peer = new Option<string?>("--peer") { Description = "The other bridge's backend endpoint, where its beacons are heard." };
        var certificate = new Option<FileInfo?>("--cert") { Description = "This bridge's secret certificate (NAME.key_secret): frontend and backend become CURVE servers." };
        var peerKey = new Option<FileInfo?>("--peer-key") { Description = "The peer bridge's public certificate (NAME.key), when it uses CURVE." };
        var beacon = new Option<int>("--beacon-ms") { Description = "Beacon interval in milliseconds.", DefaultValueFactory = _ => 100 };
        var timeout = new Option<int>("--timeout-ms") { Description = "Peer timeout in milliseconds (at least three beacons).", DefaultValueFactory = _ => 600 };
        var run = new Command("run", "Run one bridge of a pair until Ctrl+C or SIGTERM, printing every state change.")
        {
            role, name, frontend, backend, peer, certificate, peerKey, beacon, timeout,
        };
        run.SetAction((parse, cancellationToken) => RunAsync(
            new FleetBridgeOptions
            {
                Role = parse.GetValue(role),
                Name = parse.GetValue(name),
                FrontendEndpoint = parse.GetRequiredValue(frontend),
                BackendEndpoint = parse.GetRequiredValue(backend),
                PeerEndpoint = parse.GetValue(peer),
                BeaconInterval = TimeSpan.FromMilliseconds(parse.GetValue(beacon)),
                PeerTimeout = TimeSpan.FromMilliseconds(parse.GetValue(timeout)),
            },
            parse.GetValue(certificate),
            parse.GetValue(peerKey),
            parse.InvocationConfiguration,
            cancellationToken));
        return run;
    }

    private static Command CreateStatus()
    {
        var backends = new Argument<string[]>("BACKEND") { Description = "Backend endpoints of the bridges, for example tcp://10.0.0.5:5601 tcp://10.0.0.6:5601.", Arity = ArgumentArity.OneOrMore };
        var wait = new Option<int>("--wait-ms") { Description = "How long to listen for beacons.", DefaultValueFactory = _ => 1000 };
        var status = new Command("status", "Listen to the bridges' beacons and print each one's role, state and epoch (exit 1 unless exactly one is active).")
        {
            backends, wait,
        };
        status.SetAction((parse, cancellationToken) => StatusAsync(parse.GetRequiredValue(backends), parse.GetValue(wait), parse.InvocationConfiguration, cancellationToken));
        return status;
    }

    private static async Task<int> RunAsync(FleetBridgeOptions options, FileInfo? certificate, FileInfo? peerKey, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        var securityOptions = new FleetSecurityOptions { AllowListReloadInterval = TimeSpan.FromSeconds(30) };
        if (certificate is not null)
        {
            var (directory, certificateName) = CertificateFiles.SplitSecret(certificate, "--cert");
            securityOptions.CertificatesDirectory = directory;
            securityOptions.CertificateName = certificateName;
            options.UseCurve = true;
        }

        if (peerKey is not null)
        {
            options.PeerServerKey = CertificateFiles.LoadPublicKey(peerKey, "--peer-key").ToZ85();
        }

        var security = FleetSecurityFactory.Create(securityOptions);
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(new ConsoleLines(console.Output)));
        using var context = new ZmqContext(new FleetMessagingOptions { AgentName = options.EffectiveNameForCli() }, security, loggerFactory);
        FleetBridge bridge;
        try
        {
            bridge = new FleetBridge(context, options, loggerFactory.CreateLogger<FleetBridge>());
            bridge.Start();
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message, ex);
        }
        catch (Exception ex) when (ex is ZmqException or FleetSecurityException)
        {
            throw new CliException(ex.Message, ex, ExitCodes.Problems);
        }

        using (bridge)
        {
            await console.Output.WriteLineAsync($"fleet bridge: {bridge.Name} ({bridge.Role}) publishers -> {bridge.FrontendEndpoint}, subscribers -> {bridge.BackendEndpoint}. Press Ctrl+C to stop.").ConfigureAwait(false);
            await console.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await console.Output.WriteLineAsync($"fleet bridge: {bridge.Name} stopped after forwarding {bridge.Forwarded} message(s); its peer takes over.").ConfigureAwait(false);
            }
        }

        (security as IDisposable)?.Dispose();
        return ExitCodes.Success;
    }

    private static async Task<int> StatusAsync(string[] backends, int waitMs, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        if (waitMs <= 0)
        {
            throw new CliException($"--wait-ms must be positive, not {waitMs}.");
        }

        using var context = new ZmqContext(new FleetMessagingOptions { Linger = TimeSpan.Zero });
        using var socket = context.CreateSocket(ZmqSocketType.Sub);
        socket.Subscribe("$fleet.bridge");
        foreach (var endpoint in backends)
        {
            socket.Connect(endpoint);
        }

        var seen = new Dictionary<string, JsonElement>();
        var deadline = Environment.TickCount64 + waitMs;
        await Task.Run(
            () =>
            {
                while (!cancellationToken.IsCancellationRequested && Environment.TickCount64 < deadline)
                {
                    if (socket.TryReceiveMultipartBytes(TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64)), out var frames) && frames!.Count == 2)
                    {
                        try
                        {
                            var beacon = JsonDocument.Parse(frames[1]).RootElement.Clone();
                            seen[beacon.GetProperty("name").GetString() ?? "?"] = beacon;
                        }
                        catch (JsonException)
                        {
                            // Not a beacon of this protocol version; the table shows only bridges understood.
                        }
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);

        var rows = seen.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new[] { p.Key, p.Value.GetProperty("role").GetString() ?? "?", p.Value.GetProperty("state").GetString() ?? "?", p.Value.GetProperty("epoch").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .ToList();
        await TextTable.WriteAsync(console.Output, ["BRIDGE", "ROLE", "STATE", "EPOCH"], rows).ConfigureAwait(false);
        var active = seen.Values.Count(b => b.GetProperty("state").GetString() == "active");
        if (seen.Count < backends.Length)
        {
            await console.Error.WriteLineAsync($"error: heard {seen.Count} of {backends.Length} bridge(s) within {waitMs} ms; check the endpoints and that the bridges run.").ConfigureAwait(false);
            return ExitCodes.Problems;
        }

        if (active != 1)
        {
            await console.Error.WriteLineAsync($"error: {active} active bridge(s); exactly one should be.").ConfigureAwait(false);
            return ExitCodes.Problems;
        }

        return ExitCodes.Success;
    }

    private static string EffectiveNameForCli(this FleetBridgeOptions options) =>
        string.IsNullOrWhiteSpace(options.Name) ? $"bridge-{options.Role.ToString().ToLowerInvariant()}" : options.Name;

    /// <summary>Writes each log line to the console: the bridge's state changes are what an operator watches.</summary>
    private sealed class ConsoleLines(TextWriter output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Writer(output);

        public void Dispose()
        {
        }

        private sealed class Writer(TextWriter output) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lock (output)
                    {
                        output.WriteLine($"{TimeProvider.System.GetUtcNow():HH:mm:ss.fff} {logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
                        output.Flush();
                    }
                }
            }
        }
    }
}
