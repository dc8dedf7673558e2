namespace Fleet.Sdk.Messaging;

/// <summary>
/// The small core every ZeroMQ socket offers; the conveniences (<c>Send</c>, <c>ReceiveFrameString</c>,
/// multipart, JSON) are extension methods in <see cref="ZmqSocketExtensions"/>. As in NetMQ, a
/// <c>TryX(timeout)</c> returns <see langword="false"/> when the timeout passes, and the plain
/// call blocks until done or throws.
/// </summary>
public interface IZmqSocket : IDisposable
{
    /// <summary>Gets a value indicating whether the frame just received is followed by more frames of the same message.</summary>
    bool ReceiveMore { get; }

    /// <summary>Queues one frame for sending.</summary>
    /// <param name="frame">The frame's bytes; copied before the call returns.</param>
    /// <param name="timeout">How long to wait for room in the queue: <see cref="TimeSpan.Zero"/> not at all, <see cref="Timeout.InfiniteTimeSpan"/> forever.</param>
    /// <param name="more"><see langword="true"/> when more frames of the same message follow.</param>
    /// <returns><see langword="true"/> when queued; <see langword="false"/> when the timeout passed (high-water mark reached, or no peer for socket types that need one).</returns>
    /// <exception cref="ZmqException">libzmq failed, or the context was disposed.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    bool TrySend(ReadOnlySpan<byte> frame, TimeSpan timeout, bool more = false);

    /// <summary>Receives one frame into <paramref name="buffer"/>, copying it as <c>zmq_recv</c> does.</summary>
    /// <param name="buffer">Where the frame goes; a longer frame is truncated.</param>
    /// <param name="timeout">How long to wait for a frame.</param>
    /// <param name="size">The frame's full size, which is larger than <paramref name="buffer"/> when it was truncated.</param>
    /// <returns><see langword="true"/> when a frame arrived in time.</returns>
    /// <exception cref="ZmqException">libzmq failed, or the context was disposed.</exception>
    /// <exception cref="ObjectDisposedException">The socket was disposed.</exception>
    bool TryReceive(Span<byte> buffer, TimeSpan timeout, out int size);

    /// <summary>Receives one frame into <paramref name="frame"/> without copying it (libzmq's <c>zmq_msg_t</c>).</summary>
    /// <param name="frame">The frame to fill; its previous content is released.</param>
    /// <param name="timeout">How long to wait for a frame.</param>
    /// <returns><see langword="true"/> when a frame arrived in time.</returns>
    /// <exception cref="ZmqException">libzmq failed, or the context was disposed.</exception>
    /// <exception cref="ObjectDisposedException">The socket or the frame was disposed.</exception>
    bool TryReceive(ZmqFrame frame, TimeSpan timeout);
}
