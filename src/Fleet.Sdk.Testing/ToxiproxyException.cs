namespace Fleet.Sdk.Testing;

/// <summary>A Toxiproxy server refused a request, or could not be reached.</summary>
public sealed class ToxiproxyException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ToxiproxyException"/> class.</summary>
    public ToxiproxyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ToxiproxyException"/> class.</summary>
    /// <param name="message">What failed.</param>
    public ToxiproxyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ToxiproxyException"/> class.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public ToxiproxyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ToxiproxyException(int statusCode, string? apiError, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ApiError = apiError;
    }

    /// <summary>Gets the HTTP status the server answered with (404 proxy not found, 409 already exists...), or 0 when it did not answer.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the server's own error message (<c>proxy not found</c>, <c>toxic already exists</c>...), when it sent one.</summary>
    public string? ApiError { get; }
}
