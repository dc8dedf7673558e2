using Microsoft.Win32.SafeHandles;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Owns a libzmq socket and a reference on its context. Disposing it while another thread is
/// inside a call on it is safe: the marshaller holds a reference for the call's duration, and
/// <c>zmq_close</c> runs when the call returns (which a context shutdown makes immediate).
/// </summary>
internal sealed class ZmqSocketHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly ZmqContextHandle _context;

    public ZmqSocketHandle(nint socket, ZmqContextHandle context)
        : base(ownsHandle: true)
    {
        var added = false;
        context.DangerousAddRef(ref added);
        _context = context;
        SetHandle(socket);
    }

    protected override bool ReleaseHandle()
    {
        // zmq_close never blocks: pending messages linger in the I/O thread, bounded by ZMQ_LINGER.
        var closed = LibZmq.zmq_close(handle) == 0;
        _context.DangerousRelease();
        return closed;
    }
}
