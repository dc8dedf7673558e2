namespace Fleet.Sdk.Testing;

/// <summary>What a stage decided about its link.</summary>
internal enum StageOutcome
{
    /// <summary>Keep going.</summary>
    Continue,

    /// <summary>Close the link after the following stages saw the end (limit_data, timeout).</summary>
    Close,

    /// <summary>Reset the whole connection (reset_peer): both peers see ECONNRESET.</summary>
    Reset,
}
