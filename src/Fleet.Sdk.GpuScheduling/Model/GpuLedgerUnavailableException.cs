namespace Fleet.Sdk.GpuScheduling;

/// <summary>The GPU ledger (Redis) cannot be reached or did not answer in time; nothing was reserved or changed.</summary>
public sealed class GpuLedgerUnavailableException : Exception
{
    /// <summary>Creates an exception.</summary>
    public GpuLedgerUnavailableException()
        : base("The GPU ledger cannot be reached.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What failed and what to check.</param>
    public GpuLedgerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What failed and what to check.</param>
    /// <param name="innerException">The cause.</param>
    public GpuLedgerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
