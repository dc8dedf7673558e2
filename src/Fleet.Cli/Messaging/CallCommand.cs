using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;

namespace Fleet.Cli.Messaging;

/// <summary>
/// <c>fleet call ENDPOINT JSON</c>: sends one legacy request (one UTF-8 JSON frame, exactly what a
/// pyzmq REQ sends) and prints the reply. Works against unchanged Python agents and Fleet.Sdk
/// agents, plain or over CURVE, and always ends within its timeout.
/// </summary>
internal static class CallCommand
{
    private const int DefaultTimeoutMilliseconds = 5000;

    public static Command Create()
    {
        var endpoint = new Argument<string>("ENDPOINT") { Description = "The agent's endpoint, for example tcp://127.0.0.1:7200." };
        var json = new Argument<string>("JSON") { Description = "The request, for example '{\"action\": \"health_check\"}'." };
        var serverKey = new Option<FileInfo>("--server-key") { Description = "The server's public certificate (NAME.key): call over CURVE." };
        var certificate = new Option<FileInfo>("--cert") { Description = "This client's secret certificate (NAME.key_secret, mode 600); without it a one-time key pair is used." };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Milliseconds to wait for the reply, connection and handshake included.",
            DefaultValueFactory = _ => DefaultTimeoutMilliseconds,
        };
        var allowPlaintext = new Option<bool>("--allow-plaintext") { Description = "Allow a plaintext call to another machine (legacy agents without CURVE; traffic is readable on the network)." };
        var call = new Command("call", "Send one JSON request to an agent and print its reply (exit 0), or say why there is none (exit 1).")
        {
            endpoint,
            json,
            serverKey,
            certificate,
            timeout,
            allowPlaintext,
        };
        call.SetAction((parseResult, cancellationToken) => RunAsync(
            new CallRequest(
                parseResult.GetRequiredValue(endpoint),
                parseResult.GetRequiredValue(json),
                parseResult.GetValue(serverKey),
                parseResult.GetValue(certificate),
                parseResult.GetValue(timeout),
                parseResult.GetValue(allowPlaintext)),
            parseResult.InvocationConfiguration,
            cancellationToken));
        return call;
    }

    private static async Task<int> RunAsync(CallRequest request, InvocationConfiguration console, CancellationToken cancellationToken)
    {
        if (request.TimeoutMilliseconds <= 0)
        {
            throw new CliException($"--timeout must be a positive number of milliseconds, not {request.TimeoutMilliseconds}.");
        }

        var body = ValidateJson(request.Json);
        var watch = Stopwatch.StartNew();
        using var call = OpenCall(request, console.Error);
        var outcome = await Task.Run(() => call.Exchange(body, TimeSpan.FromMilliseconds(request.TimeoutMilliseconds), watch, cancellationToken), cancellationToken).ConfigureAwait(false);
        switch (outcome.Kind)
        {
            case OutcomeKind.Reply:
                await console.Output.WriteLineAsync(outcome.Text).ConfigureAwait(false);
                if (IsErrorReply(outcome.Text))
                {
                    await console.Error.WriteLineAsync("error: the agent replied with an error (see the reply above).").ConfigureAwait(false);
                    return ExitCodes.Problems;
                }

                return ExitCodes.Success;
            default:
                await console.Error.WriteLineAsync($"error: {outcome.Text}").ConfigureAwait(false);
                return ExitCodes.Problems;
        }
    }

    private static byte[] ValidateJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("action", out _))
            {
                throw new CliException("The request must be a JSON object with an \"action\", for example '{\"action\": \"health_check\"}'.");
            }
        }
        catch (JsonException ex)
        {
            throw new CliException($"The request is not valid JSON ({ex.Message}). Quote it for the shell, for example '{{\"action\": \"health_check\"}}'.", ex);
        }

        return Encoding.UTF8.GetBytes(json);
    }

    private static bool IsErrorReply(string reply)
    {
        try
        {
            using var document = JsonDocument.Parse(reply);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("status", out var status) &&
                   status.ValueKind == JsonValueKind.String && status.GetString() == "error";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static OneShotCall OpenCall(CallRequest request, TextWriter error)
    {
        if (request.Certificate is not null && request.ServerKey is null)
        {
            throw new CliException("--cert needs --server-key: CURVE needs the server's public certificate (NAME.key) as well as this client's.");
        }

        try
        {
            return OneShotCall.Open(request, error);
        }
        catch (FleetSecurityException ex) when (ex.Message.Contains("RequireCurve", StringComparison.Ordinal))
        {
            throw new CliException($"{ex.Message} For a one-off call to a legacy plaintext agent, add --allow-plaintext.", ex);
        }
        catch (Exception ex) when (ex is FleetSecurityException or ZmqException or FormatException)
        {
            throw new CliException(ex.Message, ex);
        }
    }

    private enum OutcomeKind
    {
        Reply,
        Failed,
    }

    private sealed record CallRequest(string Endpoint, string Json, FileInfo? ServerKey, FileInfo? Certificate, int TimeoutMilliseconds, bool AllowPlaintext);

    private sealed record Outcome(OutcomeKind Kind, string Text);

    /// <summary>A context, a DEALER and its monitor for one request: sent as [delimiter][JSON], as a REQ would.</summary>
    private sealed class OneShotCall : IDisposable
    {
        private readonly ZmqContext _context;
        private readonly ZmqSocket _socket;
        private readonly ZmqMonitor _monitor;
        private readonly string _endpoint;
        private readonly IDisposable? _security;

        private OneShotCall(ZmqContext context, ZmqSocket socket, ZmqMonitor monitor, string endpoint, IDisposable? security)
        {
            _context = context;
            _socket = socket;
            _monitor = monitor;
            _endpoint = endpoint;
            _security = security;
        }

        public static OneShotCall Open(CallRequest request, TextWriter error)
        {
            var securityOptions = new FleetSecurityOptions { RequireCurve = !request.AllowPlaintext, AllowListReloadInterval = Timeout.InfiniteTimeSpan };
            if (request.Certificate is not null)
            {
                var (directory, name) = CertificateFiles.SplitSecret(request.Certificate, "--cert");
                securityOptions.CertificatesDirectory = directory;
                securityOptions.CertificateName = name;
            }

            var security = FleetSecurityFactory.Create(securityOptions);
            var timeout = TimeSpan.FromMilliseconds(request.TimeoutMilliseconds);
            var context = new ZmqContext(
                new FleetMessagingOptions { Linger = TimeSpan.Zero, HandshakeTimeout = timeout, ConnectTimeout = timeout, ReconnectInterval = TimeSpan.FromMilliseconds(100), ReconnectIntervalMax = TimeSpan.FromSeconds(1) },
                security);
            ZmqSocket? socket = null;
            ZmqMonitor? monitor = null;
            try
            {
                socket = context.CreateSocket(ZmqSocketType.Dealer);
                if (request.ServerKey is not null)
                {
                    var serverKey = CertificateFiles.LoadPublicKey(request.ServerKey, "--server-key");
                    CurveKeyPair own;
                    if (request.Certificate is not null)
                    {
                        own = security.GetOwnCertificate().KeyPair;
                    }
                    else
                    {
                        own = new ZmqCurveKeyGenerator().Generate();
                        error.WriteLine("note: no --cert given: calling with a one-time key pair; a server with an allow-list will refuse it.");
                    }

                    socket.UseCurveClient(serverKey, own);
                }

                monitor = socket.Monitor(ZmqMonitorEvents.HandshakeFailedAuth | ZmqMonitorEvents.HandshakeFailedProtocol |
                                         ZmqMonitorEvents.HandshakeFailedNoDetail | ZmqMonitorEvents.ConnectRetried | ZmqMonitorEvents.Disconnected |
                                         ZmqMonitorEvents.Connected | ZmqMonitorEvents.HandshakeSucceeded);
                socket.Connect(request.Endpoint);
                return new OneShotCall(context, socket, monitor, request.Endpoint, security as IDisposable);
            }
            catch
            {
                monitor?.Dispose();
                socket?.Dispose();
                context.Dispose();
                (security as IDisposable)?.Dispose();
                throw;
            }
        }

        /// <summary>Sends the request and waits for the reply or a definite failure, never past the deadline.</summary>
        public Outcome Exchange(byte[] body, TimeSpan timeout, Stopwatch watch, CancellationToken cancellationToken)
        {
            var remaining = timeout - watch.Elapsed;
            if (remaining <= TimeSpan.Zero || !_socket.TrySend([], remaining, more: true))
            {
                return NoReply(timeout, "the request could not be queued");
            }

            _socket.TrySend(body, Timeout.InfiniteTimeSpan);
            var poller = new ZmqPoller();
            var replyIndex = poller.Add(_socket);
            var monitorIndex = poller.Add(_monitor.Socket);
            string? lastProblem = null;
            var handshaking = false;
            var closedDuringHandshake = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                remaining = timeout - watch.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    return NoReply(timeout, lastProblem);
                }

                poller.Poll(remaining < TimeSpan.FromMilliseconds(100) ? remaining : TimeSpan.FromMilliseconds(100));
                if (poller.IsReady(replyIndex) && _socket.TryReceiveMultipartBytes(TimeSpan.Zero, out var frames))
                {
                    return new Outcome(OutcomeKind.Reply, Encoding.UTF8.GetString(frames![^1]));
                }

                while (poller.IsReady(monitorIndex) && _monitor.TryReceive(TimeSpan.Zero, out var monitorEvent))
                {
                    // A refused key or a failed CURVE handshake will not get better by waiting.
                    if (monitorEvent.Event is ZmqMonitorEvents.HandshakeFailedAuth or ZmqMonitorEvents.HandshakeFailedProtocol)
                    {
                        return new Outcome(OutcomeKind.Failed, $"refused: {monitorEvent.Describe()}.");
                    }

                    if (monitorEvent.Event == ZmqMonitorEvents.HandshakeFailedNoDetail && _socket.UsesCurve)
                    {
                        return new Outcome(OutcomeKind.Failed, $"{monitorEvent.Describe()} (check --server-key).");
                    }

                    switch (monitorEvent.Event)
                    {
                        case ZmqMonitorEvents.Connected:
                            handshaking = true;
                            continue;
                        case ZmqMonitorEvents.HandshakeSucceeded:
                            handshaking = false;
                            continue;
                        case ZmqMonitorEvents.Disconnected when handshaking && _socket.UsesCurve:
                            // libzmq sometimes closes a refused client's connection before its ERROR
                            // command is sent (zeromq/libzmq#2705), so the refusal arrives as a bare
                            // close; twice in a row is no accident.
                            handshaking = false;
                            if (++closedDuringHandshake >= 2)
                            {
                                return new Outcome(OutcomeKind.Failed, $"refused: {monitorEvent.Endpoint}: the server closed the connection during the CURVE handshake {closedDuringHandshake} times without saying why; most likely this client's public certificate is not in the server's allow-list, or --server-key is not that server's key.");
                            }

                            break;
                    }

                    lastProblem = monitorEvent.Event == ZmqMonitorEvents.ConnectRetried ? "the connection was refused (is the agent running, on that port?)" : monitorEvent.Describe();
                }
            }

            return new Outcome(OutcomeKind.Failed, "cancelled.");
        }

        public void Dispose()
        {
            _monitor.Dispose();
            _socket.Dispose();
            _context.Dispose();
            _security?.Dispose();
        }

        private Outcome NoReply(TimeSpan timeout, string? lastProblem) =>
            new(OutcomeKind.Failed, $"no reply from {_endpoint} within {timeout.TotalMilliseconds:0} ms" + (lastProblem is null ? "." : $"; {lastProblem}."));
    }
}
