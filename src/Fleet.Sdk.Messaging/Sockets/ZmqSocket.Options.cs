using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging;

/// <content>Socket options, typed. Set them before binding or connecting unless noted.</content>
public sealed unsafe partial class ZmqSocket
{
    /// <summary>Gets or sets how long unsent messages are kept after <see cref="Dispose"/>; <see cref="Timeout.InfiniteTimeSpan"/> keeps them until sent (and makes context disposal wait).</summary>
    public TimeSpan Linger
    {
        get => FromMilliseconds(GetInt32(LibZmq.ZMQ_LINGER));
        set => SetInt32(LibZmq.ZMQ_LINGER, ToOptionMilliseconds(value, allowInfinite: true));
    }

    /// <summary>Gets or sets the maximum number of outgoing messages queued per peer (0: unlimited).</summary>
    public int SendHighWatermark
    {
        get => GetInt32(LibZmq.ZMQ_SNDHWM);
        set => SetInt32(LibZmq.ZMQ_SNDHWM, NonNegative(value));
    }

    /// <summary>Gets or sets the maximum number of incoming messages queued per peer (0: unlimited).</summary>
    public int ReceiveHighWatermark
    {
        get => GetInt32(LibZmq.ZMQ_RCVHWM);
        set => SetInt32(LibZmq.ZMQ_RCVHWM, NonNegative(value));
    }

    /// <summary>Gets or sets the largest inbound frame accepted; a peer sending a larger one is disconnected (-1: unlimited).</summary>
    public long MaxMessageSize
    {
        get => GetInt64(LibZmq.ZMQ_MAXMSGSIZE);
        set => SetInt64(LibZmq.ZMQ_MAXMSGSIZE, value < -1 ? throw new ArgumentOutOfRangeException(nameof(value), value, "Use -1 for unlimited, or a positive size in bytes.") : value);
    }

    /// <summary>Gets or sets the interval of ZMTP heartbeats (PING) on each connection (zero: off).</summary>
    public TimeSpan HeartbeatInterval
    {
        get => FromMilliseconds(GetInt32(LibZmq.ZMQ_HEARTBEAT_IVL));
        set => SetInt32(LibZmq.ZMQ_HEARTBEAT_IVL, ToOptionMilliseconds(value));
    }

    /// <summary>Gets or sets how long a connection may go without traffic after a PING before it is closed as dead.</summary>
    public TimeSpan HeartbeatTimeout
    {
        get => FromMilliseconds(GetInt32(LibZmq.ZMQ_HEARTBEAT_TIMEOUT));
        set => SetInt32(LibZmq.ZMQ_HEARTBEAT_TIMEOUT, ToOptionMilliseconds(value));
    }

    /// <summary>Gets or sets the time-to-live this side asks the peer to apply to its heartbeats.</summary>
    public TimeSpan HeartbeatTtl
    {
        get => FromMilliseconds(GetInt32(LibZmq.ZMQ_HEARTBEAT_TTL));
        set => SetInt32(LibZmq.ZMQ_HEARTBEAT_TTL, ToOptionMilliseconds(value));
    }

    /// <summary>Gets or sets the first delay before reconnecting a lost or refused connection.</summary>
    public TimeSpan ReconnectInterval
    {
        get => FromMilliseconds(GetInt32(LibZmq.ZMQ_RECONNECT_IVL));
        set => SetInt32(LibZmq.ZMQ_RECONNECT_IVL, ToOptionMilliseconds(value, allowInfinite: true));
    }

    /// <summary>Gets or sets the longest delay between reconnection attempts (the delay doubles up to it; zero: no back-off).</summary>
    public TimeSpan ReconnectIntervalMax
    {
        get => FromMilliseconds(GetInt32(LibZmq.ZMQ_RECONNECT_IVL_MAX));
        set => SetInt32(LibZmq.ZMQ_RECONNECT_IVL_MAX, ToOptionMilliseconds(value));
    }

    /// <summary>Gets or sets how long a ZMTP handshake (including CURVE and ZAP) may take before the connection is dropped (zero: forever).</summary>
    public TimeSpan HandshakeTimeout
    {
        get => FromMilliseconds(GetInt32(LibZmq.ZMQ_HANDSHAKE_IVL));
        set => SetInt32(LibZmq.ZMQ_HANDSHAKE_IVL, ToOptionMilliseconds(value));
    }

    /// <summary>Gets or sets how long a TCP connect may take before it is retried (zero: the operating system's limit, often minutes).</summary>
    public TimeSpan ConnectTimeout
    {
        get => FromMilliseconds(GetInt32(LibZmq.ZMQ_CONNECT_TIMEOUT));
        set => SetInt32(LibZmq.ZMQ_CONNECT_TIMEOUT, ToOptionMilliseconds(value));
    }

    /// <summary>Gets or sets a value indicating whether TCP keepalive probes detect dead peers on idle connections.</summary>
    public bool TcpKeepAlive
    {
        get => GetInt32(LibZmq.ZMQ_TCP_KEEPALIVE) == 1;
        set => SetInt32(LibZmq.ZMQ_TCP_KEEPALIVE, value ? 1 : 0);
    }

    /// <summary>Gets or sets how long a connection is idle before the first TCP keepalive probe (whole seconds).</summary>
    public TimeSpan TcpKeepAliveIdle
    {
        get => FromSeconds(GetInt32(LibZmq.ZMQ_TCP_KEEPALIVE_IDLE));
        set => SetInt32(LibZmq.ZMQ_TCP_KEEPALIVE_IDLE, ToOptionSeconds(value));
    }

    /// <summary>Gets or sets the interval between TCP keepalive probes (whole seconds).</summary>
    public TimeSpan TcpKeepAliveInterval
    {
        get => FromSeconds(GetInt32(LibZmq.ZMQ_TCP_KEEPALIVE_INTVL));
        set => SetInt32(LibZmq.ZMQ_TCP_KEEPALIVE_INTVL, ToOptionSeconds(value));
    }

    /// <summary>Gets or sets how many unanswered TCP keepalive probes close the connection.</summary>
    public int TcpKeepAliveCount
    {
        get => GetInt32(LibZmq.ZMQ_TCP_KEEPALIVE_CNT);
        set => SetInt32(LibZmq.ZMQ_TCP_KEEPALIVE_CNT, value <= 0 ? throw new ArgumentOutOfRangeException(nameof(value), value, "At least one probe.") : value);
    }

    /// <summary>Gets or sets a value indicating whether messages are queued only to completed connections (a DEALER then fails fast instead of queueing for a peer that is not there).</summary>
    public bool Immediate
    {
        get => GetInt32(LibZmq.ZMQ_IMMEDIATE) == 1;
        set => SetInt32(LibZmq.ZMQ_IMMEDIATE, value ? 1 : 0);
    }

    /// <summary>Gets or sets the routing id this socket announces to ROUTER peers (1 to 255 bytes, not starting with a zero byte).</summary>
    public byte[] RoutingId
    {
        get => GetBytes(LibZmq.ZMQ_ROUTING_ID, 255);
        set => SetBytes(LibZmq.ZMQ_ROUTING_ID, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Sets whether a ROUTER reports an unroutable message (peer gone) as an error instead of dropping it silently.</summary>
    public bool RouterMandatory
    {
        set => SetInt32(LibZmq.ZMQ_ROUTER_MANDATORY, value ? 1 : 0);
    }

    /// <summary>Sets whether an XPUB passes every subscription message up, not only new ones.</summary>
    public bool XPubVerbose
    {
        set => SetInt32(LibZmq.ZMQ_XPUB_VERBOSE, value ? 1 : 0);
    }

    internal void SetInt32(int option, int value)
    {
        if (!TrySetInt32(option, value))
        {
            throw MessagingErrors.Native($"zmq_setsockopt({OptionName(option)}={value})", Marshal.GetLastPInvokeError());
        }
    }

    internal bool TrySetInt32(int option, int value) => LibZmq.zmq_setsockopt(_handle, option, &value, sizeof(int)) == 0;

    internal void SetInt64(int option, long value)
    {
        if (LibZmq.zmq_setsockopt(_handle, option, &value, sizeof(long)) != 0)
        {
            throw MessagingErrors.Native($"zmq_setsockopt({OptionName(option)}={value})", Marshal.GetLastPInvokeError());
        }
    }

    internal void SetBytes(int option, ReadOnlySpan<byte> value)
    {
        fixed (byte* data = value)
        {
            if (LibZmq.zmq_setsockopt(_handle, option, data, (nuint)value.Length) != 0)
            {
                throw MessagingErrors.Native($"zmq_setsockopt({OptionName(option)})", Marshal.GetLastPInvokeError());
            }
        }
    }

    internal int GetInt32(int option)
    {
        int value;
        nuint length = sizeof(int);
        if (LibZmq.zmq_getsockopt(_handle, option, &value, &length) != 0)
        {
            throw MessagingErrors.Native($"zmq_getsockopt({OptionName(option)})", Marshal.GetLastPInvokeError());
        }

        return value;
    }

    internal long GetInt64(int option)
    {
        long value;
        nuint length = sizeof(long);
        if (LibZmq.zmq_getsockopt(_handle, option, &value, &length) != 0)
        {
            throw MessagingErrors.Native($"zmq_getsockopt({OptionName(option)})", Marshal.GetLastPInvokeError());
        }

        return value;
    }

    internal byte[] GetBytes(int option, int capacity)
    {
        var buffer = stackalloc byte[capacity];
        var length = (nuint)capacity;
        if (LibZmq.zmq_getsockopt(_handle, option, buffer, &length) != 0)
        {
            throw MessagingErrors.Native($"zmq_getsockopt({OptionName(option)})", Marshal.GetLastPInvokeError());
        }

        return new ReadOnlySpan<byte>(buffer, (int)length).ToArray();
    }

    internal string GetString(int option)
    {
        var bytes = GetBytes(option, 1024);
        var end = Array.IndexOf(bytes, (byte)0);
        return System.Text.Encoding.UTF8.GetString(bytes, 0, end < 0 ? bytes.Length : end);
    }

    private void ApplyDefaults(FleetMessagingOptions options)
    {
        Linger = options.Linger;
        SendHighWatermark = options.SendHighWatermark;
        ReceiveHighWatermark = options.ReceiveHighWatermark;
        MaxMessageSize = options.MaxMessageSize;
        ReconnectInterval = options.ReconnectInterval;
        ReconnectIntervalMax = options.ReconnectIntervalMax;
        HandshakeTimeout = options.HandshakeTimeout;
        ConnectTimeout = options.ConnectTimeout;
        if (options.HeartbeatInterval > TimeSpan.Zero)
        {
            HeartbeatInterval = options.HeartbeatInterval;
            HeartbeatTimeout = options.HeartbeatTimeout;
            HeartbeatTtl = options.HeartbeatTimeout;
        }

        if (options.TcpKeepAlive)
        {
            TcpKeepAlive = true;
            TcpKeepAliveIdle = options.TcpKeepAliveIdle;
            TcpKeepAliveInterval = options.TcpKeepAliveInterval;
            TcpKeepAliveCount = options.TcpKeepAliveCount;
        }
    }

    private static TimeSpan FromMilliseconds(int value) => value < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(value);

    private static TimeSpan FromSeconds(int value) => value < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(value);

    private static int ToOptionMilliseconds(TimeSpan value, bool allowInfinite = false)
    {
        if (value == Timeout.InfiniteTimeSpan && allowInfinite)
        {
            return -1;
        }

        if (value < TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Expected zero or a positive duration up to {TimeSpan.FromMilliseconds(int.MaxValue)}{(allowInfinite ? ", or Timeout.InfiniteTimeSpan" : string.Empty)}.");
        }

        return (int)Math.Ceiling(value.TotalMilliseconds);
    }

    private static int ToOptionSeconds(TimeSpan value) =>
        value < TimeSpan.Zero || value.TotalSeconds > int.MaxValue
            ? throw new ArgumentOutOfRangeException(nameof(value), value, "Expected a positive duration in whole seconds.")
            : Math.Max(1, (int)Math.Ceiling(value.TotalSeconds));

    private static int NonNegative(int value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null) =>
        value < 0 ? throw new ArgumentOutOfRangeException(name, value, "Expected zero (unlimited) or a positive count.") : value;

    private static string OptionName(int option) => option switch
    {
        LibZmq.ZMQ_LINGER => "ZMQ_LINGER",
        LibZmq.ZMQ_SNDHWM => "ZMQ_SNDHWM",
        LibZmq.ZMQ_RCVHWM => "ZMQ_RCVHWM",
        LibZmq.ZMQ_MAXMSGSIZE => "ZMQ_MAXMSGSIZE",
        LibZmq.ZMQ_HEARTBEAT_IVL => "ZMQ_HEARTBEAT_IVL",
        LibZmq.ZMQ_HEARTBEAT_TIMEOUT => "ZMQ_HEARTBEAT_TIMEOUT",
        LibZmq.ZMQ_HEARTBEAT_TTL => "ZMQ_HEARTBEAT_TTL",
        LibZmq.ZMQ_RECONNECT_IVL => "ZMQ_RECONNECT_IVL",
        LibZmq.ZMQ_RECONNECT_IVL_MAX => "ZMQ_RECONNECT_IVL_MAX",
        LibZmq.ZMQ_HANDSHAKE_IVL => "ZMQ_HANDSHAKE_IVL",
        LibZmq.ZMQ_CONNECT_TIMEOUT => "ZMQ_CONNECT_TIMEOUT",
        LibZmq.ZMQ_TCP_KEEPALIVE => "ZMQ_TCP_KEEPALIVE",
        LibZmq.ZMQ_ROUTING_ID => "ZMQ_ROUTING_ID",
        LibZmq.ZMQ_SUBSCRIBE => "ZMQ_SUBSCRIBE",
        LibZmq.ZMQ_UNSUBSCRIBE => "ZMQ_UNSUBSCRIBE",
        LibZmq.ZMQ_CURVE_SERVER => "ZMQ_CURVE_SERVER",
        LibZmq.ZMQ_CURVE_SECRETKEY => "ZMQ_CURVE_SECRETKEY",
        LibZmq.ZMQ_CURVE_PUBLICKEY => "ZMQ_CURVE_PUBLICKEY",
        LibZmq.ZMQ_CURVE_SERVERKEY => "ZMQ_CURVE_SERVERKEY",
        LibZmq.ZMQ_ZAP_DOMAIN => "ZMQ_ZAP_DOMAIN",
        LibZmq.ZMQ_IMMEDIATE => "ZMQ_IMMEDIATE",
        LibZmq.ZMQ_ROUTER_MANDATORY => "ZMQ_ROUTER_MANDATORY",
        LibZmq.ZMQ_LAST_ENDPOINT => "ZMQ_LAST_ENDPOINT",
        LibZmq.ZMQ_RCVMORE => "ZMQ_RCVMORE",
        _ => $"option {option}",
    };
}
