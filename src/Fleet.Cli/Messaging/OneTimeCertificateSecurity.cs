using Fleet.Sdk.Security;

namespace Fleet.Cli.Messaging;

/// <summary>
/// The security of a <c>fleet call</c> made without <c>--cert</c>: the policy of <paramref name="inner"/>,
/// with a key pair made for this call as the client's own certificate. Nothing is written to disk.
/// </summary>
/// <param name="inner">The policy, certificates directory and allow-list.</param>
/// <param name="keyPair">The one-time key pair.</param>
internal sealed class OneTimeCertificateSecurity(IFleetSecurity inner, CurveKeyPair keyPair) : IFleetSecurity, IDisposable
{
    private readonly CurveCertificate _own = new(keyPair);

    public bool RequireCurve => inner.RequireCurve;

    public string CertificatesDirectory => inner.CertificatesDirectory;

    public CurveAllowList AllowList => inner.AllowList;

    public CurveCertificate GetOwnCertificate() => _own;

    public CurvePublicKey GetPeerPublicKey(string name) => inner.GetPeerPublicKey(name);

    public void EnsureEndpointAllowed(string endpoint, bool bind, bool usesCurve) => inner.EnsureEndpointAllowed(endpoint, bind, usesCurve);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
