using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// The libzmq 4.3 C API, bound with <see cref="LibraryImportAttribute"/> against Debian's
/// <c>libzmq.so.5</c>. Internal: the public API is <see cref="ZmqContext"/> and <see cref="ZmqSocket"/>.
/// Native objects travel as <see cref="SafeHandle"/>s so that a socket closed by one thread is
/// never used by another; only <c>zmq_msg_t</c> and poll items are raw memory, owned by their callers.
/// </summary>
internal static unsafe partial class LibZmq
{
    public const string Library = "libzmq.so.5";

    // Socket types.
    public const int PAIR = 0, PUB = 1, SUB = 2, REQ = 3, REP = 4, DEALER = 5, ROUTER = 6, PULL = 7, PUSH = 8, XPUB = 9, XSUB = 10;

    // Context options.
    public const int ZMQ_IO_THREADS = 1, ZMQ_MAX_SOCKETS = 2, ZMQ_BLOCKY = 70;

    // Socket options (zmq.h, libzmq 4.3).
    public const int ZMQ_ROUTING_ID = 5, ZMQ_SUBSCRIBE = 6, ZMQ_UNSUBSCRIBE = 7, ZMQ_RCVMORE = 13, ZMQ_TYPE = 16,
        ZMQ_LINGER = 17, ZMQ_RECONNECT_IVL = 18, ZMQ_RECONNECT_IVL_MAX = 21, ZMQ_MAXMSGSIZE = 22, ZMQ_SNDHWM = 23,
        ZMQ_RCVHWM = 24, ZMQ_LAST_ENDPOINT = 32, ZMQ_ROUTER_MANDATORY = 33, ZMQ_TCP_KEEPALIVE = 34,
        ZMQ_TCP_KEEPALIVE_CNT = 35, ZMQ_TCP_KEEPALIVE_IDLE = 36, ZMQ_TCP_KEEPALIVE_INTVL = 37, ZMQ_IMMEDIATE = 39,
        ZMQ_XPUB_VERBOSE = 40, ZMQ_MECHANISM = 43, ZMQ_CURVE_SERVER = 47, ZMQ_CURVE_PUBLICKEY = 48,
        ZMQ_CURVE_SECRETKEY = 49, ZMQ_CURVE_SERVERKEY = 50, ZMQ_ZAP_DOMAIN = 55, ZMQ_HANDSHAKE_IVL = 66,
        ZMQ_HEARTBEAT_IVL = 75, ZMQ_HEARTBEAT_TTL = 76, ZMQ_HEARTBEAT_TIMEOUT = 77, ZMQ_CONNECT_TIMEOUT = 79,
        ZMQ_ZAP_ENFORCE_DOMAIN = 93;

    // Send/receive flags, message properties, poll events.
    public const int ZMQ_DONTWAIT = 1, ZMQ_SNDMORE = 2, ZMQ_MORE = 1;
    public const short ZMQ_POLLIN = 1, ZMQ_POLLOUT = 2, ZMQ_POLLERR = 4;

    // Error numbers: Linux errno values, and libzmq's own above ZMQ_HAUSNUMERO.
    public const int EINTR = 4, EAGAIN = 11, EINVAL = 22, EMFILE = 24, EHOSTUNREACH = 113;
    private const int HausNumero = 156384712;
    public const int EFSM = HausNumero + 51, ETERM = HausNumero + 53;

    /// <summary>The size of <c>zmq_msg_t</c> in libzmq 4.x: 64 bytes, pointer-aligned.</summary>
    public const int MsgSize = 64;

    [LibraryImport(Library)]
    public static partial void zmq_version(out int major, out int minor, out int patch);

    [LibraryImport(Library)]
    public static partial int zmq_errno();

    [LibraryImport(Library)]
    public static partial byte* zmq_strerror(int errnum);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int zmq_has(string capability);

    [LibraryImport(Library)]
    public static partial nint zmq_ctx_new();

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_ctx_term(nint context);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_ctx_shutdown(ZmqContextHandle context);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_ctx_set(ZmqContextHandle context, int option, int value);

    [LibraryImport(Library, SetLastError = true)]
    public static partial nint zmq_socket(ZmqContextHandle context, int type);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_close(nint socket);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_setsockopt(ZmqSocketHandle socket, int option, void* value, nuint length);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_getsockopt(ZmqSocketHandle socket, int option, void* value, nuint* length);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int zmq_bind(ZmqSocketHandle socket, string endpoint);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int zmq_connect(ZmqSocketHandle socket, string endpoint);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int zmq_unbind(ZmqSocketHandle socket, string endpoint);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int zmq_disconnect(ZmqSocketHandle socket, string endpoint);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_send(ZmqSocketHandle socket, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_recv(ZmqSocketHandle socket, byte* buffer, nuint length, int flags);

    // Non-blocking variants for the hot path: with ZMQ_DONTWAIT these return in well under a
    // microsecond (a lock-free pipe operation, at most one eventfd write), so the GC transition,
    // which costs as much as the call itself, is skipped. Never call them without ZMQ_DONTWAIT.
    // They do not marshal errno either (two more native calls per message): on failure, read it
    // with zmq_errno_fast() right away; no GC transition happens in between to disturb it.
    [LibraryImport(Library, EntryPoint = "zmq_send")]
    [SuppressGCTransition]
    public static partial int zmq_send_nowait(nint socket, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "zmq_recv")]
    [SuppressGCTransition]
    public static partial int zmq_recv_nowait(nint socket, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "zmq_msg_recv")]
    [SuppressGCTransition]
    public static partial int zmq_msg_recv_nowait(void* message, nint socket, int flags);

    [LibraryImport(Library, EntryPoint = "zmq_errno")]
    [SuppressGCTransition]
    public static partial int zmq_errno_fast();

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_init(void* message);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_close(void* message);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_msg_recv(void* message, ZmqSocketHandle socket, int flags);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial byte* zmq_msg_data(void* message);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial nuint zmq_msg_size(void* message);

    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial int zmq_msg_more(void* message);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial byte* zmq_msg_gets(void* message, string property);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_poll(ZmqPollItem* items, int count, long timeout);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int zmq_socket_monitor(ZmqSocketHandle socket, string? endpoint, int events);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_curve_keypair(byte* publicKey, byte* secretKey);

    [LibraryImport(Library, SetLastError = true)]
    public static partial int zmq_curve_public(byte* publicKey, byte* secretKey);

    /// <summary>The message of <paramref name="errno"/>, from <c>zmq_strerror</c>.</summary>
    public static string StrError(int errno) => Marshal.PtrToStringUTF8((nint)zmq_strerror(errno)) ?? $"error {errno}";

    /// <summary>A poll item (<c>zmq_pollitem_t</c> on Linux: pointer, int fd, two shorts).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ZmqPollItem
    {
        public nint Socket;
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>Storage for one <c>zmq_msg_t</c>: 64 bytes, never moved while libzmq uses it.</summary>
    [InlineArray(MsgSize / sizeof(long))]
    public struct ZmqMsg
    {
        private long _element;
    }
}
