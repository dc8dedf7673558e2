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
}
