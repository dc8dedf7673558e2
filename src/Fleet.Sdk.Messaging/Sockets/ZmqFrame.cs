using System.Runtime.InteropServices;
using System.Text;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// One received frame, held in libzmq's own memory (<c>zmq_msg_t</c>): receiving into it copies
/// nothing, and one frame can be reused for any number of receives without allocating. Not
/// thread-safe. <see cref="Data"/> is valid until the next receive into this frame or its disposal.
/// </summary>
public sealed unsafe class ZmqFrame : IDisposable
{
    private readonly ZmqMessageHandle _message = new();
    private int _length;
    private bool _more;

    /// <summary>Gets the frame's bytes; valid until the next receive into this frame, or its disposal.</summary>
    public ReadOnlySpan<byte> Data
    {
        get
        {
            ObjectDisposedException.ThrowIf(_message.IsClosed, this);
            return _length == 0 ? [] : new ReadOnlySpan<byte>(LibZmq.zmq_msg_data(_message.Message), _length);
        }
    }

    /// <summary>Gets the frame's length in bytes.</summary>
    public int Length => _length;

    /// <summary>Gets a value indicating whether more frames of the same message follow.</summary>
    public bool More => _more;

    /// <summary>
    /// Gets a metadata property of the connection the frame came from: <c>User-Id</c> (for CURVE,
    /// the client key the ZAP handler authorised, as Z85), <c>Peer-Address</c>, <c>Socket-Type</c>,
    /// <c>Routing-Id</c>.
    /// </summary>
    /// <param name="property">The property name.</param>
    /// <returns>The value, or <see langword="null"/> when the connection has no such property.</returns>
    public string? GetMetadata(string property)
    {
        ArgumentException.ThrowIfNullOrEmpty(property);
        ObjectDisposedException.ThrowIf(_message.IsClosed, this);
        var value = LibZmq.zmq_msg_gets(_message.Message, property);
        return value is null ? null : Marshal.PtrToStringUTF8((nint)value);
    }

    /// <summary>Copies the frame's bytes into a new array.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToArray() => Data.ToArray();

    /// <summary>Decodes the frame as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Encoding.UTF8.GetString(Data);

    /// <summary>Releases the frame's memory back to libzmq.</summary>
    public void Dispose()
    {
        _length = 0;
        _message.Dispose();
    }

    /// <summary>Releases a large frame's memory now rather than at the next receive.</summary>
    internal void Clear()
    {
        _length = 0;
        _more = false;
        _ = LibZmq.zmq_msg_close(_message.Message);
        _ = LibZmq.zmq_msg_init(_message.Message);
    }

    /// <summary>Receives into this frame; the socket's reference is already held by the caller.</summary>
    internal int ReceiveNoWait(nint socket)
    {
        var added = false;
        _message.DangerousAddRef(ref added);
        try
        {
            // On failure errno is read by the caller (zmq_errno_fast) before anything else touches it.
            var rc = LibZmq.zmq_msg_recv_nowait(_message.Message, socket, LibZmq.ZMQ_DONTWAIT);
            if (rc >= 0)
            {
                Update(rc);
            }

            return rc;
        }
        finally
        {
            _message.DangerousRelease();
        }
    }

    /// <summary>Receives into this frame, blocking until a frame arrives.</summary>
    internal int ReceiveBlocking(ZmqSocketHandle socket)
    {
        var added = false;
        _message.DangerousAddRef(ref added);
        try
        {
            var rc = LibZmq.zmq_msg_recv(_message.Message, socket, 0);
            Update(rc);
            return rc;
        }
        finally
        {
            _message.DangerousRelease();
        }
    }

    private void Update(int rc)
    {
        if (rc >= 0)
        {
            _length = rc;
            _more = LibZmq.zmq_msg_more(_message.Message) != 0;
        }
    }
}
