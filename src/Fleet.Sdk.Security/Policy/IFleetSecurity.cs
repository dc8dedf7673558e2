namespace Fleet.Sdk.Security;

/// <summary>
/// An agent's security state: its CURVE certificate, its peers' public keys, the allow-list of
/// clients, and the rules every endpoint must pass. Messaging asks it before binding or connecting.
/// </summary>
public interface IFleetSecurity
{
    /// <summary>Gets a value indicating whether endpoints that leave the machine must use CURVE.</summary>
    bool RequireCurve { get; }

    /// <summary>Gets the absolute directory of the agent's and its peers' certificates.</summary>
    string CertificatesDirectory { get; }

    /// <summary>Gets the allow-list of client keys for CURVE servers, loaded on first use and kept current.</summary>
    CurveAllowList AllowList { get; }

    /// <summary>Gets the agent's own certificate with its secret key, checked (file permissions, weak keys) and registered for redaction.</summary>
    /// <returns>The certificate.</returns>
    /// <exception cref="FleetSecurityException">No certificate is configured, or it is missing, exposed or weak.</exception>
    CurveCertificate GetOwnCertificate();

    /// <summary>Gets the public key of the peer certificate <paramref name="name"/> in the certificates directory.</summary>
    /// <param name="name">The peer certificate's name (<c>name.key</c> or czmq's <c>name</c>).</param>
    /// <returns>The peer's public key.</returns>
    /// <exception cref="FleetSecurityException">It is missing, malformed or weak.</exception>
    CurvePublicKey GetPeerPublicKey(string name);

    /// <summary>Applies the endpoint rules: no plaintext off the machine unless allowed, no bind on every interface unless allowed.</summary>
    /// <param name="endpoint">The ZeroMQ endpoint.</param>
    /// <param name="bind"><see langword="true"/> for a bind, <see langword="false"/> for a connect.</param>
    /// <param name="usesCurve">Whether the socket uses CURVE.</param>
    /// <exception cref="FleetSecurityException">A rule forbids it; the message says how to fix it.</exception>
    /// <exception cref="FormatException">The endpoint is not valid.</exception>
    void EnsureEndpointAllowed(string endpoint, bool bind, bool usesCurve);
}
