namespace Fleet.Sdk.Messaging;

/// <summary>The two request/reply contracts.</summary>
internal enum RpcShape
{
    /// <summary>One JSON frame after the delimiter.</summary>
    Legacy,

    /// <summary><c>fleet.rpc/1</c>: protocol, header and body frames.</summary>
    Fleet,
}
