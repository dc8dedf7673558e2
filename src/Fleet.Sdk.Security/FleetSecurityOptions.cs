namespace Fleet.Sdk.Security;

/// <summary>Security settings of an agent, bound from <c>Fleet:Security</c>. The defaults are the secure choice.</summary>
public sealed class FleetSecurityOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether every endpoint that leaves the machine must use CURVE.
    /// Loopback, <c>ipc://</c> and <c>inproc://</c> endpoints may always go without. Turning this off
    /// is logged as a warning at start-up and for every plaintext remote endpoint.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RequireCurve { get; set; } = true;

    /// <summary>
    /// Gets or sets the name of the agent's own certificate in <see cref="CertificatesDirectory"/>
    /// (<c>name.key_secret</c> or czmq's <c>name_secret</c>). Required for CURVE sockets.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? CertificateName { get; set; }

    /// <summary>Gets or sets the directory of the agent's certificate and its peers' public certificates.</summary>
    /// <value>The default value is <see langword="null"/>: the PathManager <c>certificates</c> location.</value>
    public string? CertificatesDirectory { get; set; }

    /// <summary>Gets or sets the directory of public certificates of the clients allowed to connect (the ZAP allow-list).</summary>
    /// <value>The default value is <see langword="null"/>: <c>authorized</c> under <see cref="CertificatesDirectory"/>.</value>
    public string? AuthorizedKeysDirectory { get; set; }

    /// <summary>Gets or sets how often the allow-list directory is checked for changes the file watcher missed.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan AllowListReloadInterval { get; set; } = SecurityConstants.DefaultAllowListReloadInterval;

    /// <summary>Gets or sets a value indicating whether sockets may bind every interface (<c>tcp://*:port</c>, <c>0.0.0.0</c>, <c>[::]</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowAnyAddressBind { get; set; }

    /// <summary>Gets or sets the directory where secrets are files named after the secret.</summary>
    /// <value>The default value is <c>/run/secrets</c>, where Docker and Kubernetes mount secrets.</value>
    public string? SecretsDirectory { get; set; } = SecurityConstants.DefaultSecretsDirectory;

    /// <summary>Gets the files of named secrets, for example <c>Fleet:Security:Secrets:redis-password = /etc/fleet/redis.pass</c>.</summary>
    public IDictionary<string, string> Secrets { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
