using System.Text.Json;
using Fleet.Sdk.Security;

namespace Fleet.Sdk.Messaging;

/// <summary>Every Messaging error message in one place: what failed, why, and how to fix it.</summary>
internal static class MessagingErrors
{
    private const int ENODEV = 19, EINVAL = 22, EMFILE = 24, EPROTONOSUPPORT = 93, EADDRINUSE = 98, EADDRNOTAVAIL = 99;
    private const int ENOCOMPATPROTO = 156384712 + 52;

    public static ZmqException LibraryMissing(string library) =>
        new($"{library} (libzmq, the ZeroMQ engine Fleet.Sdk.Messaging binds) could not be loaded: install libzmq5 (apt-get install libzmq5), " +
            "or run ./eng/build.sh prereqs.");

    public static ZmqException LibraryTooOld(Version found, Version needed) =>
        new($"libzmq {found} is too old: Fleet.Sdk.Messaging needs {needed} or newer (Debian 12's libzmq5 is 4.3.4). Upgrade libzmq5.");

    /// <summary>The error of the libzmq call just made, as "{operation}: {message} (code N)" plus a hint for the common causes.</summary>
    public static ZmqException Native(string operation, int errno)
    {
        var hint = errno switch
        {
            EADDRINUSE => " Another socket or process already listens there: choose another port, or bind port * for a free one.",
            EADDRNOTAVAIL => " That address belongs to no interface of this machine: bind an address of this machine (or 127.0.0.1).",
            ENODEV => " No network interface has that name: use an IP address or an existing interface name.",
            EMFILE => " The process or the context ran out of sockets: dispose every socket you no longer use, or raise the limit (ulimit -n).",
            EPROTONOSUPPORT => " The transport is not supported: use tcp://, ipc:// or inproc://.",
            EINVAL when operation.StartsWith("zmq_bind", StringComparison.Ordinal) || operation.StartsWith("zmq_connect", StringComparison.Ordinal) =>
                " Expected tcp://host:port, ipc://path or inproc://name.",
            ENOCOMPATPROTO => " The two socket types cannot talk to each other (pair REQ with REP or ROUTER, DEALER with ROUTER or REP, PUB with SUB, PUSH with PULL).",
            LibZmq.ETERM => " The ZmqContext was disposed: the socket can only be disposed now.",
            LibZmq.EFSM => " The socket is in the wrong state for this call: a REQ socket must alternate send and receive, a REP socket receive and send.",
            LibZmq.EHOSTUNREACH => " The peer is not connected (or no longer).",
            _ => string.Empty,
        };
        return new ZmqException($"{operation}: {LibZmq.StrError(errno)} (code {errno}).{hint}", errno);
    }

    public static ObjectDisposedException ContextDisposed() =>
        new(nameof(ZmqContext), "The ZmqContext was disposed: create sockets from a live context (in a host, the one the container owns).");

    public static InvalidOperationException CurveAfterAttach(string method) =>
        new($"{method} must be called before the socket binds or connects: CURVE settings apply to connections made afterwards.");

    public static FleetSecurityException ZapHandlerUnavailable(Exception cause) =>
        new($"The ZAP handler (inproc://zeromq.zap.01) could not start, so CURVE clients cannot be authorized: {cause.Message}", cause);

    public static ArgumentOutOfRangeException InvalidTimeout(string name, TimeSpan value) =>
        new(name, value, "A timeout is zero or positive, or Timeout.InfiniteTimeSpan to wait forever.");

    public static ZmqException NoCurveSupport() =>
        new("This libzmq was built without CURVE support: install Debian's libzmq5, which has it (built with libsodium).");

    public static ArgumentException CurveServerNeedsSecret(string parameter) =>
        new("A CURVE server needs its secret key: load the secret certificate (name.key_secret).", parameter);

    // RPC server and handlers.
    public static InvalidOperationException ServerWithoutEndpoint() =>
        new($"The RPC server has no endpoint: set {MessagingConstants.SectionName}:Server:Endpoints (for example tcp://127.0.0.1:7200).");

    public static InvalidOperationException ServerAlreadyStarted() =>
        new("The RPC server was already started; create a new one to serve again.");

    public static ArgumentException DuplicateAction(string action) =>
        new($"Action '{action}' already has a handler: each action is handled once.", nameof(action));

    public static AgentRpcException ArgumentsNull(string action) =>
        new(AgentRpcErrorCodes.BadRequest, $"The arguments of '{action}' are null.");

    public static AgentRpcException ArgumentsMismatch(string action, Type type, Exception cause) =>
        new(AgentRpcErrorCodes.BadRequest, $"The arguments of '{action}' do not fit {type.Name}: {cause.Message}", innerException: cause);

    public static ArgumentException ArgumentsNotObject(string action, System.Text.Json.JsonValueKind kind) =>
        new($"The arguments of '{action}' must serialize to a JSON object (the legacy contract puts them beside \"action\"), not {kind}.", "arguments");

    // RPC client.
    public static ArgumentException InvalidClientOptions(IEnumerable<string> problems) =>
        new(string.Join(" ", problems), "options");

    public static AgentRpcException RequestTooLarge(string service, int size, long limit) =>
        new(AgentRpcErrorCodes.TooLarge,
            $"{service}: the request is {size} bytes, over {MessagingConstants.SectionName}:MaxMessageSize ({limit}); send a reference (a path, a key) instead of the data.");

    public static AgentRpcException CallTimedOut(string service, TimeSpan timeout, int attempts, AgentRpcException? last, string? endpoint) =>
        new(AgentRpcErrorCodes.Timeout,
            $"{service}: no reply within {timeout.TotalMilliseconds:0} ms after {attempts} attempt(s)" + (last is null ? "." : $"; last: {last.Message}"), endpoint);

    public static AgentRpcException AttemptsFailed(string service, int attempts, AgentRpcException last) =>
        new(last.Code, $"{service}: {attempts} attempts failed; last: {last.Message}", last.Endpoint, last);

    public static AgentRpcException AttemptTimedOut(string endpoint, TimeSpan timeout) =>
        new(AgentRpcErrorCodes.Timeout, $"{endpoint}: no reply within {timeout.TotalMilliseconds:0} ms.", endpoint);

    public static AgentRpcException CircuitOpen(string endpoint, Exception cause) =>
        new(AgentRpcErrorCodes.Unavailable, $"{endpoint}: circuit open after repeated failures.", endpoint, cause);

    public static AgentRpcException EveryCircuitOpen(string service, IEnumerable<string> endpoints, TimeSpan breakDuration) =>
        new(AgentRpcErrorCodes.Unavailable,
            $"{service}: every endpoint's circuit is open ({string.Join(", ", endpoints)}); they failed repeatedly and are retried after {breakDuration.TotalSeconds:0.#} s.");

    public static AgentRpcException ReplyNotJson(string endpoint, Exception cause) =>
        new(AgentRpcErrorCodes.ProtocolError, $"{endpoint}: the reply is not JSON ({cause.Message}).", endpoint, cause);

    public static AgentRpcException ErrorReply(string endpoint, string code, string message, JsonElement reply) =>
        new(code, $"{endpoint} replied '{code}': {message}", endpoint) { Reply = reply.Clone() };

    public static AgentRpcException EndpointFailed(string endpoint, string code, string description) =>
        new(code, description, endpoint);

    /// <summary>Describes a CURVE server that closed the handshake without a word, again and again (zeromq/libzmq#2705).</summary>
    public static string RefusedSilently(string endpoint, int closes, string serverKeySetting) =>
        $"{endpoint}: the server refused this client's key: it closed the connection during the CURVE handshake {closes} times in a row without saying why. " +
        $"Check that this client's public certificate is in the server's allow-list (its authorized directory), and that {serverKeySetting} is that server's public key.";

    // Events.
    public static ArgumentException PublisherWithoutEndpoint() =>
        new("An event publisher needs at least one endpoint in BindEndpoints or ConnectEndpoints (for example tcp://127.0.0.1:7300).", "options");

    public static ArgumentException SubscriberWithoutEndpoint() =>
        new("An event subscriber needs at least one publisher endpoint (for example tcp://127.0.0.1:7300).", "options");
}
