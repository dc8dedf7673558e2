using System.Text;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Conveniences over <see cref="IZmqSocket"/>: blocking sends and receives, text, byte arrays and
/// multipart messages. The plain methods block (or throw); the <c>Try</c> ones return
/// <see langword="false"/> when the timeout passes.
/// </summary>
public static class ZmqSocketExtensions
{
    [ThreadStatic]
    private static ZmqFrame? t_frame;

    /// <summary>Sends one frame, blocking until it is queued.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="frame">The bytes.</param>
    /// <param name="more"><see langword="true"/> when more frames of the same message follow.</param>
    public static void Send(this IZmqSocket socket, ReadOnlySpan<byte> frame, bool more = false)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.TrySend(frame, Timeout.InfiniteTimeSpan, more);
    }

    /// <summary>Sends one UTF-8 text frame, blocking until it is queued.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="text">The text.</param>
    /// <param name="more"><see langword="true"/> when more frames of the same message follow.</param>
    public static void SendFrame(this IZmqSocket socket, string text, bool more = false) =>
        socket.Send(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), more);

    /// <summary>Sends one UTF-8 text frame, waiting at most <paramref name="timeout"/> for room.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="text">The text.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="more"><see langword="true"/> when more frames of the same message follow.</param>
    /// <returns><see langword="true"/> when queued.</returns>
    public static bool TrySendFrame(this IZmqSocket socket, string text, TimeSpan timeout, bool more = false)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return socket.TrySend(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), timeout, more);
    }

    /// <summary>Sends a multipart message, blocking until every frame is queued.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="frames">The frames, at least one.</param>
    public static void SendMultipart(this IZmqSocket socket, IReadOnlyList<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("A message has at least one frame.", nameof(frames));
        }

        for (var i = 0; i < frames.Count; i++)
        {
            socket.TrySend(frames[i], Timeout.InfiniteTimeSpan, more: i < frames.Count - 1);
        }
    }

    /// <summary>Sends a multipart message, waiting at most <paramref name="timeout"/> for room for the first frame (the rest follow at once: libzmq queues a message whole).</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="frames">The frames, at least one.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns><see langword="true"/> when queued.</returns>
    public static bool TrySendMultipart(this IZmqSocket socket, IReadOnlyList<byte[]> frames, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
        {
            throw new ArgumentException("A message has at least one frame.", nameof(frames));
        }

        if (!socket.TrySend(frames[0], timeout, more: frames.Count > 1))
        {
            return false;
        }

        for (var i = 1; i < frames.Count; i++)
        {
            socket.TrySend(frames[i], Timeout.InfiniteTimeSpan, more: i < frames.Count - 1);
        }

        return true;
    }

    /// <summary>Receives one frame into <paramref name="frame"/>, blocking until it arrives.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="frame">The frame to fill.</param>
    public static void Receive(this IZmqSocket socket, ZmqFrame frame)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.TryReceive(frame, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Receives one frame as a new byte array, blocking until it arrives.</summary>
    /// <param name="socket">The socket.</param>
    /// <returns>The bytes.</returns>
    public static byte[] ReceiveFrameBytes(this IZmqSocket socket) => socket.ReceiveFrameBytes(out _);

    /// <summary>Receives one frame as a new byte array, blocking until it arrives.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="more">Whether more frames of the same message follow.</param>
    /// <returns>The bytes.</returns>
    public static byte[] ReceiveFrameBytes(this IZmqSocket socket, out bool more)
    {
        socket.TryReceiveFrameBytes(Timeout.InfiniteTimeSpan, out var bytes, out more);
        return bytes!;
    }

    /// <summary>Receives one frame as a new byte array, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="bytes">The bytes, when a frame arrived.</param>
    /// <param name="more">Whether more frames of the same message follow.</param>
    /// <returns><see langword="true"/> when a frame arrived in time.</returns>
    public static bool TryReceiveFrameBytes(this IZmqSocket socket, TimeSpan timeout, out byte[]? bytes, out bool more)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var frame = t_frame ??= new ZmqFrame();
        if (!socket.TryReceive(frame, timeout))
        {
            bytes = null;
            more = false;
            return false;
        }

        bytes = frame.ToArray();
        more = frame.More;
        if (frame.Length > 4096)
        {
            frame.Clear();
        }

        return true;
    }

    /// <summary>Receives one frame as UTF-8 text, blocking until it arrives.</summary>
    /// <param name="socket">The socket.</param>
    /// <returns>The text.</returns>
    public static string ReceiveFrameString(this IZmqSocket socket) => socket.ReceiveFrameString(out _);

    /// <summary>Receives one frame as UTF-8 text, blocking until it arrives.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="more">Whether more frames of the same message follow.</param>
    /// <returns>The text.</returns>
    public static string ReceiveFrameString(this IZmqSocket socket, out bool more) => Encoding.UTF8.GetString(socket.ReceiveFrameBytes(out more));

    /// <summary>Receives one frame as UTF-8 text, waiting at most <paramref name="timeout"/>.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="text">The text, when a frame arrived.</param>
    /// <returns><see langword="true"/> when a frame arrived in time.</returns>
    public static bool TryReceiveFrameString(this IZmqSocket socket, TimeSpan timeout, out string? text)
    {
        if (socket.TryReceiveFrameBytes(timeout, out var bytes, out _))
        {
            text = Encoding.UTF8.GetString(bytes!);
            return true;
        }

        text = null;
        return false;
    }

    /// <summary>Receives every frame of the next message, blocking until it arrives.</summary>
    /// <param name="socket">The socket.</param>
    /// <returns>The frames.</returns>
    public static List<byte[]> ReceiveMultipartBytes(this IZmqSocket socket)
    {
        socket.TryReceiveMultipartBytes(Timeout.InfiniteTimeSpan, out var frames);
        return frames!;
    }

    /// <summary>Receives every frame of the next message, waiting at most <paramref name="timeout"/> for it to start.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="timeout">How long to wait for the first frame (the others are already there: libzmq delivers messages whole).</param>
    /// <param name="frames">The frames, when a message arrived.</param>
    /// <returns><see langword="true"/> when a message arrived in time.</returns>
    public static bool TryReceiveMultipartBytes(this IZmqSocket socket, TimeSpan timeout, out List<byte[]>? frames)
    {
        if (!socket.TryReceiveFrameBytes(timeout, out var first, out var more))
        {
            frames = null;
            return false;
        }

        frames = [first!];
        while (more)
        {
            frames.Add(socket.ReceiveFrameBytes(out more));
        }

        return true;
    }

    /// <summary>Receives every frame of the next message as UTF-8 text, blocking until it arrives.</summary>
    /// <param name="socket">The socket.</param>
    /// <returns>The frames as text.</returns>
    public static List<string> ReceiveMultipartStrings(this IZmqSocket socket) =>
        socket.ReceiveMultipartBytes().ConvertAll(f => Encoding.UTF8.GetString(f));
}
