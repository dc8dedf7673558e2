namespace Fleet.Sdk.Logging;

/// <summary>Redaction settings (<c>Fleet:Logging:Redaction</c>).</summary>
public sealed class FleetRedactionOptions
{
    /// <summary>Gets or sets a value indicating whether secrets are masked. Turning it off is logged as a warning.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets more property-name fragments whose values are always masked, besides password, passwd, pwd, token, secret, credential, connection string and names ending in <c>key</c>.</summary>
    public IList<string> AdditionalPropertyNames { get; } = new List<string>();
}
