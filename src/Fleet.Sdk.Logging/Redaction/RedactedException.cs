namespace Fleet.Sdk.Logging;

/// <summary>An exception whose text had secrets in it, standing in for the original in every sink.</summary>
internal sealed class RedactedException : Exception
{
    private readonly string _text;

    public RedactedException(Exception original, string redactedText, string redactedMessage)
        : base(redactedMessage)
    {
        _text = redactedText;
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        HResult = original.HResult;
    }

    public RedactedException()
        : this(new InvalidOperationException(), string.Empty, string.Empty)
    {
    }

    public RedactedException(string message)
        : this(new InvalidOperationException(message), message, message)
    {
    }

    public RedactedException(string message, Exception innerException)
        : this(innerException, message, message)
    {
    }

    public string OriginalType { get; }

    public override string? StackTrace => null;

    public override string ToString() => _text;
}
