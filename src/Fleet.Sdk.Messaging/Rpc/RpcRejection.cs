namespace Fleet.Sdk.Messaging;

/// <summary>A request refused before dispatch, and the error reply it gets, in the protocol it came in.</summary>
internal sealed record RpcRejection(RpcShape Shape, ulong? Id, string Code, string Message)
{
    /// <summary>Gets the reply body: <c>{"status":"error","error":CODE,"message":TEXT}</c>.</summary>
    public byte[] Body { get; } = RpcWire.ErrorBody(Code, Message);

    /// <summary>Gets the reply's frames after the delimiter: the body alone (legacy), or protocol, header and body (<c>fleet.rpc/1</c>).</summary>
    public IReadOnlyList<byte[]> ReplyFrames() => [.. RpcWire.ReplyHead(Shape, Id, Code), Body];
}
