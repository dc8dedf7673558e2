using System.Text.Json;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Calls one service (one or more endpoints of it) with a deadline per call, retries with
/// jittered exponential back-off, a circuit breaker per endpoint (Polly) and failover down the
/// endpoint list. A dead or silent peer costs at most the deadline: requests travel on DEALER
/// sockets with correlation ids, never on REQ sockets that wedge after a lost reply.
/// </summary>
/// <remarks>Thread-safe: share one client per service; its sockets live on its own thread.</remarks>
public sealed partial class AgentRpcClient : IDisposable
{
    private readonly AgentRpcClientOptions _options;
    private readonly RpcClientEngine _engine;
    private readonly ResiliencePipeline<JsonElement> _retry;
    private readonly ResiliencePipeline<JsonElement>[] _breakers;
    private readonly CircuitBreakerStateProvider[] _circuits;
    private readonly long[] _retryOpenCircuitAt;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _maxMessageSize;
    private readonly TimeSpan _attemptTimeout;

    /// <summary>Creates a client; it connects in the background.</summary>
    /// <param name="context">The context whose security policy and certificate apply.</param>
    /// <param name="options">The service's endpoints, protocol, key, deadline, retries and circuit breaker.</param>
    /// <param name="logger">Where retries, open circuits and endpoint failures are logged (event ids 4040-4049).</param>
    /// <exception cref="ArgumentException">The options are invalid (no endpoint...); the message says which.</exception>
    /// <exception cref="FleetSecurityException">The policy forbids an endpoint, or the CURVE keys cannot be loaded.</exception>
    public AgentRpcClient(ZmqContext context, AgentRpcClientOptions options, ILogger<AgentRpcClient>? logger = null)
        : this(context, options, name: "service", logger)
    {
    }

    internal AgentRpcClient(ZmqContext context, AgentRpcClientOptions options, string name, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var problems = AgentRpcClientOptionsValidator.Problems(options, $"{MessagingConstants.SectionName}:Services:{name}").ToList();
        if (problems.Count > 0)
        {
            throw MessagingErrors.InvalidClientOptions(problems);
        }

        Name = name;
        _options = options;
        _logger = logger ?? NullLogger<AgentRpcClient>.Instance;
        _time = context.TimeProvider;
        _maxMessageSize = context.Options.MaxMessageSize;
        _attemptTimeout = options.AttemptTimeout ?? options.Timeout / (options.MaxRetries + 1);
        Endpoints = [.. options.Endpoints];

        Action<ZmqSocket>? secure = null;
        if (!string.IsNullOrWhiteSpace(options.ServerKey))
        {
            var serverKey = CurveKeys.Resolve(context.Security, options.ServerKey);
            var own = context.Security.GetOwnCertificate().KeyPair;
            secure = socket => socket.UseCurveClient(serverKey, own);
        }

        var caller = context.Options.AgentName ?? MessagingConstants.DefaultAgentName();
        _engine = new RpcClientEngine(context, Endpoints, options.Protocol, caller, secure, $"{MessagingConstants.SectionName}:Services:{name}:ServerKey", _logger);
        _retry = BuildRetry();
        _circuits = new CircuitBreakerStateProvider[Endpoints.Count];
        _breakers = new ResiliencePipeline<JsonElement>[Endpoints.Count];
        _retryOpenCircuitAt = new long[Endpoints.Count];
        for (var i = 0; i < Endpoints.Count; i++)
        {
            _circuits[i] = new CircuitBreakerStateProvider();
            _breakers[i] = BuildBreaker(i);
        }
    }

    /// <summary>Gets the service name used in errors and logs.</summary>
    public string Name { get; }

    /// <summary>Gets the endpoints, preferred first.</summary>
    public IReadOnlyList<string> Endpoints { get; }

    /// <summary>Gets the number of replies that arrived after their call gave up (each was dropped, never given to another call).</summary>
    public long LateReplies => _engine.LateReplies;

    /// <summary>Calls <paramref name="action"/> with <paramref name="arguments"/> placed beside <c>"action"</c> in the request object, as the legacy agents expect.</summary>
    /// <param name="action">The action.</param>
    /// <param name="arguments">An object serializing to a JSON object, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply (a standalone copy; no disposal needed).</returns>
    /// <exception cref="AgentRpcException">
    /// No reply within the deadline (<c>timeout</c>), no endpoint available (<c>unavailable</c>,
    /// <c>refused</c>), or the service replied with an error (its code: <c>unknown_action</c>,
    /// <c>bad_request</c>, <c>handler_failed</c>...).
    /// </exception>
    public Task<JsonElement> CallAsync(string action, object? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        return CallJsonAsync(RpcWire.Request(action, arguments, JsonSerializerOptions.Default), cancellationToken);
    }

    /// <summary>Sends a request that is already UTF-8 JSON (an object with <c>"action"</c>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply (a standalone copy).</returns>
    /// <exception cref="AgentRpcException">The call failed; see <see cref="CallAsync"/>.</exception>
    public async Task<JsonElement> CallJsonAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        if (_maxMessageSize > 0 && request.Length > _maxMessageSize)
        {
            throw MessagingErrors.RequestTooLarge(Name, request.Length, _maxMessageSize);
        }

        using var deadline = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token) : null;
        var state = new CallState(this, request.ToArray());
        try
        {
            return await _retry.ExecuteAsync(static (s, token) => s.Client.AttemptAsync(s, token), state, linked?.Token ?? deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw MessagingErrors.CallTimedOut(Name, _options.Timeout, state.Attempts, state.LastError, state.LastEndpoint);
        }
        catch (AgentRpcException ex) when (ex.IsTransient && state.Attempts > 1)
        {
            throw MessagingErrors.AttemptsFailed(Name, state.Attempts, ex);
        }
    }

    /// <summary>Stops the client's socket thread; calls still waiting fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _engine.Dispose();

    internal CircuitState GetCircuitState(int endpoint) => _circuits[endpoint].CircuitState;

    private async ValueTask<JsonElement> AttemptAsync(CallState state, CancellationToken cancellationToken)
    {
        var index = PickEndpoint(state);
        state.Attempts++;
        state.Tried[index] = true;
        state.LastEndpoint = Endpoints[index];
        state.Index = index;
        try
        {
            return await _breakers[index].ExecuteAsync(static (s, token) => s.Client.SendOnceAsync(s, token), state, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException ex)
        {
            throw state.Fail(MessagingErrors.CircuitOpen(Endpoints[index], ex));
        }
        catch (AgentRpcException ex)
        {
            throw state.Fail(ex);
        }
    }

    private async ValueTask<JsonElement> SendOnceAsync(CallState state, CancellationToken cancellationToken)
    {
        var endpoint = Endpoints[state.Index];
        var body = await _engine.SendAsync(state.Index, state.Request, _attemptTimeout, cancellationToken).ConfigureAwait(false);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw MessagingErrors.ReplyNotJson(endpoint, ex);
        }

        using (document)
        {
            var reply = document.RootElement;
            if (RpcWire.TryReadError(reply, out var code, out var message))
            {
                throw MessagingErrors.ErrorReply(endpoint, code, message, reply);
            }

            return reply.Clone();
        }
    }

    /// <summary>
    /// The first endpoint not tried in this call whose circuit lets a call through; then any such
    /// endpoint. A circuit lets a call through when closed, or when its break is over: Polly moves
    /// an open circuit to half-open only when a call is attempted, so an endpoint skipped while open
    /// would otherwise never be tried again.
    /// </summary>
    private int PickEndpoint(CallState state)
    {
        var fallback = -1;
        var now = _time.GetTimestamp();
        for (var i = 0; i < Endpoints.Count; i++)
        {
            var circuit = _circuits[i].CircuitState;
            var blocked = circuit == CircuitState.Isolated ||
                          (circuit == CircuitState.Open && now < Volatile.Read(ref _retryOpenCircuitAt[i]));
            if (blocked)
            {
                continue;
            }

            if (!state.Tried[i])
            {
                return i;
            }

            fallback = fallback < 0 ? i : fallback;
        }

        return fallback >= 0
            ? fallback
            : throw state.Fail(MessagingErrors.EveryCircuitOpen(Name, Endpoints, _options.CircuitBreakerBreakDuration));
    }

    private ResiliencePipeline<JsonElement> BuildRetry()
    {
        var builder = new ResiliencePipelineBuilder<JsonElement> { TimeProvider = _time };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<JsonElement>
            {
                ShouldHandle = new PredicateBuilder<JsonElement>().Handle<AgentRpcException>(e => e.IsTransient),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.Timeout / 2,
                OnRetry = args =>
                {
                    LogRetry(_logger, Name, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? "failed");
                    return default;
                },
            });
        }

        return builder.Build();
    }

    private ResiliencePipeline<JsonElement> BuildBreaker(int index) =>
        new ResiliencePipelineBuilder<JsonElement> { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<JsonElement>
            {
                ShouldHandle = new PredicateBuilder<JsonElement>().Handle<AgentRpcException>(e => e.IsTransient),
                FailureRatio = _options.CircuitBreakerFailureRatio,
                MinimumThroughput = _options.CircuitBreakerMinimumThroughput,
                SamplingDuration = _options.CircuitBreakerSamplingDuration,
                BreakDuration = _options.CircuitBreakerBreakDuration,
                StateProvider = _circuits[index],
                OnOpened = args =>
                {
                    Volatile.Write(ref _retryOpenCircuitAt[index], _time.GetTimestamp() + (long)(args.BreakDuration.TotalSeconds * _time.TimestampFrequency));
                    LogCircuitOpened(_logger, Name, Endpoints[index], args.BreakDuration.TotalSeconds, args.Outcome.Exception?.Message ?? "failures");
                    return default;
                },
                OnClosed = _ =>
                {
                    LogCircuitClosed(_logger, Name, Endpoints[index]);
                    return default;
                },
            })
            .Build();

    /// <summary>One call across its attempts.</summary>
    private sealed class CallState(AgentRpcClient client, byte[] request)
    {
        public AgentRpcClient Client { get; } = client;

        public byte[] Request { get; } = request;

        public bool[] Tried { get; } = new bool[client.Endpoints.Count];

        public int Index { get; set; }

        public int Attempts { get; set; }

        public string? LastEndpoint { get; set; }

        public AgentRpcException? LastError { get; private set; }

        public AgentRpcException Fail(AgentRpcException error)
        {
            LastError = error;
            return error;
        }
    }
}
