using Fleet.Sdk.Security;

namespace Fleet.Sdk.Messaging;

/// <summary>Resolves a configured server key: a Z85 key, a path to a certificate file, or a certificate name.</summary>
internal static class CurveKeys
{
    public static CurvePublicKey Resolve(IFleetSecurity security, string serverKey)
    {
        if (CurvePublicKey.TryParse(serverKey, out var key, out _))
        {
            return key;
        }

        return serverKey.Contains('/', StringComparison.Ordinal) || serverKey.Contains('\\', StringComparison.Ordinal)
            ? CurveCertificate.Load(serverKey).PublicKey
            : security.GetPeerPublicKey(serverKey);
    }
}
