using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Owns one <c>zmq_msg_t</c> in native memory (64 bytes, pointer-aligned, never moved), kept
/// initialised between receives so it can be reused without allocating.
/// </summary>
internal sealed unsafe class ZmqMessageHandle : SafeHandle
{
    public ZmqMessageHandle()
        : base(invalidHandleValue: 0, ownsHandle: true)
    {
        var memory = NativeMemory.AlignedAlloc(LibZmq.MsgSize, (nuint)sizeof(nint));
        if (LibZmq.zmq_msg_init(memory) != 0)
        {
            NativeMemory.AlignedFree(memory);
            throw MessagingErrors.Native("zmq_msg_init", Marshal.GetLastPInvokeError());
        }

        SetHandle((nint)memory);
    }

    public override bool IsInvalid => handle == 0;

    public void* Message => (void*)handle;

    protected override bool ReleaseHandle()
    {
        var closed = LibZmq.zmq_msg_close((void*)handle) == 0;
        NativeMemory.AlignedFree((void*)handle);
        return closed;
    }
}
