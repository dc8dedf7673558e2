namespace Fleet.Sdk.Messaging;

/// <summary>What a poll waits for.</summary>
[Flags]
public enum ZmqPollEvents : short
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>A message can be received without blocking.</summary>
    In = LibZmq.ZMQ_POLLIN,

    /// <summary>A message can be sent without blocking.</summary>
    Out = LibZmq.ZMQ_POLLOUT,
}
