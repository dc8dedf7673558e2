using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Owns a libzmq context. Every socket handle holds a reference on it, so the context is released
/// only after its last socket is closed, whatever order the finalizers run in. Terminating a
/// context blocks while messages linger, so <see cref="ReleaseHandle"/> terminates inline only
/// after an explicit <see cref="ZmqContext.Dispose"/>; a forgotten context is terminated on a
/// background thread, never on the finalizer thread.
/// </summary>
internal sealed class ZmqContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private volatile bool _disposedExplicitly;

    public ZmqContextHandle(nint context)
        : base(ownsHandle: true)
    {
        SetHandle(context);
    }

    /// <summary>Marks the coming release as the result of <see cref="ZmqContext.Dispose"/>.</summary>
    public void MarkDisposedExplicitly() => _disposedExplicitly = true;

    protected override bool ReleaseHandle()
    {
        var context = handle;
        if (_disposedExplicitly)
        {
            return Terminate(context);
        }

        // Finalizer path: wake anything blocked, then terminate where blocking hurts nobody.
        var thread = new Thread(static state => Terminate((nint)state!))
        {
            IsBackground = true,
            Name = "zmq context termination",
        };
        thread.Start(context);
        return true;
    }

    private static bool Terminate(nint context)
    {
        while (LibZmq.zmq_ctx_term(context) != 0)
        {
            if (Marshal.GetLastPInvokeError() != LibZmq.EINTR)
            {
                return false;
            }
        }

        return true;
    }
}
