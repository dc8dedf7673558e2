namespace Fleet.Sdk.Messaging;

/// <summary>
/// A libzmq call failed. The message reads "{operation}: {libzmq's message} (code N)" and, for
/// the common causes, says how to fix it.
/// </summary>
public sealed class ZmqException : Exception
{
    /// <summary>Creates an exception.</summary>
    public ZmqException()
        : base("A ZeroMQ operation failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed, why, and how to fix it.</param>
    public ZmqException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What failed, why, and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public ZmqException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ZmqException(string message, int errorCode)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Gets the libzmq error number (<c>zmq_errno</c>), or 0 when the error did not come from libzmq.</summary>
    public int ErrorCode { get; }

    /// <summary>Gets a value indicating whether the socket's <see cref="ZmqContext"/> was shut down (ETERM): the socket can only be disposed.</summary>
    public bool IsContextTerminated => ErrorCode == LibZmq.ETERM;
}
