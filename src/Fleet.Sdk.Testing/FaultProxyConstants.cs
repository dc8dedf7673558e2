namespace Fleet.Sdk.Testing;

/// <summary>Defaults of the fault proxy.</summary>
internal static class FaultProxyConstants
{
    public const string DefaultHost = "127.0.0.1";

    /// <summary>Toxiproxy's default API port.</summary>
    public const int ToxiproxyPort = 8474;

    /// <summary>
    /// The largest request body the API reads (1 MiB; a larger one is a 413). Toxiproxy sets no
    /// limit; its real requests are well under a kilobyte, and a populate of a thousand proxies
    /// under 100 KB.
    /// </summary>
    public const int MaxRequestBodyBytes = 1024 * 1024;
}
