using System.CommandLine;
using System.Text;
using System.Text.Json;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;

namespace Fleet.Cli.Messaging;

/// <summary>
/// <c>fleet call ENDPOINT JSON</c>: sends one legacy request (one UTF-8 JSON frame, exactly what a
/// pyzmq REQ sends) through <see cref="AgentRpcClient"/>, without retries, and prints the reply.
/// Works against unchanged Python agents and Fleet.Sdk agents, plain or over CURVE, and always
/// ends within its timeout.
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
        var timeout = TimeSpan.FromMilliseconds(request.TimeoutMilliseconds);
        var security = CreateSecurity(request, console.Error);
        try
        {
            using var context = new ZmqContext(
                new FleetMessagingOptions { Linger = TimeSpan.Zero, HandshakeTimeout = timeout, ConnectTimeout = timeout, ReconnectInterval = TimeSpan.FromMilliseconds(100), ReconnectIntervalMax = TimeSpan.FromSeconds(1) },
                security);
            using var client = OpenClient(context, request, timeout);
            try
            {
                var reply = await client.CallJsonAsync(body, cancellationToken).ConfigureAwait(false);
                await console.Output.WriteLineAsync(reply.GetRawText()).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            catch (AgentRpcException ex) when (ex.Reply is { } reply)
            {
                await console.Output.WriteLineAsync(reply.GetRawText()).ConfigureAwait(false);
                await console.Error.WriteLineAsync("error: the agent replied with an error (see the reply above).").ConfigureAwait(false);
                return ExitCodes.Problems;
            }
            catch (AgentRpcException ex)
            {
                await console.Error.WriteLineAsync($"error: {Describe(ex, request)}").ConfigureAwait(false);
                return ExitCodes.Problems;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await console.Error.WriteLineAsync("error: cancelled.").ConfigureAwait(false);
                return ExitCodes.Problems;
            }
        }
        finally
        {
            (security as IDisposable)?.Dispose();
        }
    }

    /// <summary>Says why no reply came, naming the options to check.</summary>
    private static string Describe(AgentRpcException error, CallRequest request) => error.Code switch
    {
        AgentRpcErrorCodes.Refused =>
            $"refused: {error.Message} For fleet call: --server-key must be that server's public certificate, and this client's public certificate (--cert) must be in the server's allow-list.",
        AgentRpcErrorCodes.Timeout => $"no reply from {request.Endpoint} within {request.TimeoutMilliseconds} ms.",
        AgentRpcErrorCodes.Unavailable => $"no reply from {request.Endpoint} within {request.TimeoutMilliseconds} ms; {error.Message}",
        _ => error.Message,
    };

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

    /// <summary>The security policy of the call: CURVE required off this machine unless allowed, this client's certificate from --cert or made for this call.</summary>
    private static IFleetSecurity CreateSecurity(CallRequest request, TextWriter error)
    {
        if (request.Certificate is not null && request.ServerKey is null)
        {
            throw new CliException("--cert needs --server-key: CURVE needs the server's public certificate (NAME.key) as well as this client's.");
        }

        var options = new FleetSecurityOptions { RequireCurve = !request.AllowPlaintext, AllowListReloadInterval = Timeout.InfiniteTimeSpan };
        if (request.Certificate is not null)
        {
            var (directory, name) = CertificateFiles.SplitSecret(request.Certificate, "--cert");
            options.CertificatesDirectory = directory;
            options.CertificateName = name;
        }

        var security = FleetSecurityFactory.Create(options);
        if (request.ServerKey is null || request.Certificate is not null)
        {
            return security;
        }

        error.WriteLine("note: no --cert given: calling with a one-time key pair; a server with an allow-list will refuse it.");
        return new OneTimeCertificateSecurity(security, new ZmqCurveKeyGenerator().Generate());
    }

    /// <summary>An <see cref="AgentRpcClient"/> for one legacy request: no retries, the whole call within --timeout.</summary>
    private static AgentRpcClient OpenClient(ZmqContext context, CallRequest request, TimeSpan timeout)
    {
        var options = new AgentRpcClientOptions { Protocol = AgentRpcProtocol.Legacy, Timeout = timeout, MaxRetries = 0, Endpoints = { request.Endpoint } };
        if (request.ServerKey is not null)
        {
            options.ServerKey = CertificateFiles.LoadPublicKey(request.ServerKey, "--server-key").ToZ85();
        }

        try
        {
            return new AgentRpcClient(context, options);
        }
        catch (FleetSecurityException ex) when (ex.Message.Contains("RequireCurve", StringComparison.Ordinal))
        {
            throw new CliException($"{ex.Message} For a one-off call to a legacy plaintext agent, add --allow-plaintext.", ex);
        }
        catch (Exception ex) when (ex is FleetSecurityException or ZmqException or FormatException or ArgumentException)
        {
            throw new CliException(ex.Message, ex);
        }
    }

    private sealed record CallRequest(string Endpoint, string Json, FileInfo? ServerKey, FileInfo? Certificate, int TimeoutMilliseconds, bool AllowPlaintext);
}
