namespace Fleet.Sdk.Messaging;

/// <summary>Where a client reaches one bridge.</summary>
public sealed class BridgeEndpoint
{
    /// <summary>Gets or sets the bridge's frontend, where publishers connect.</summary>
    public string Frontend { get; set; } = string.Empty;

    /// <summary>Gets or sets the bridge's backend, where subscribers connect.</summary>
    public string Backend { get; set; } = string.Empty;

    /// <summary>Gets or sets the bridge's public CURVE key (Z85, or a certificate name in the trusted directory), or <see langword="null"/> for plaintext on loopback.</summary>
    public string? ServerKey { get; set; }
}
