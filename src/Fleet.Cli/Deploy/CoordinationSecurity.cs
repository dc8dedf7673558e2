namespace Fleet.Cli.Deploy;

/// <summary>How a rendered coordination server authenticates and encrypts: the secret files it reads and where it finds them.</summary>
/// <param name="PasswordInclude">The secret holding the include file with the password (<c>password: "..."</c>), or <see langword="null"/> without authorization.</param>
/// <param name="User">The user clients authenticate as, or <see langword="null"/> (then the include holds a token).</param>
/// <param name="Tls">Whether clients and routes use TLS, with the certificate, key and CA secrets.</param>
/// <param name="SecretDirectory">Where the service finds its secrets at run time (/run/secrets, or systemd's credentials directory).</param>
/// <param name="Secrets">The secret files the operator provides, mounted (compose) or loaded as credentials (systemd).</param>
internal sealed record CoordinationSecurity(string? PasswordInclude, string? User, bool Tls, string SecretDirectory, IReadOnlyList<DeploySecret> Secrets)
{
    /// <summary>The server certificate secret, signed by the fleet CA, valid for the machine's address.</summary>
    public const string Certificate = "fleet-coordination.crt";

    /// <summary>The server certificate's private key secret.</summary>
    public const string Key = "fleet-coordination.key";

    /// <summary>The fleet CA secret: clients and routes must present certificates it signed.</summary>
    public const string CertificateAuthority = "fleet-ca.crt";

    /// <summary>Gets the path a secret has at run time.</summary>
    public string PathOf(string secret) => $"{SecretDirectory}/{secret}";
}
