namespace Fleet.Sdk.Security;

/// <summary>A CURVE key pair.</summary>
/// <param name="PublicKey">The public half, shared with peers.</param>
/// <param name="SecretKey">The secret half, kept in a file only its owner can read.</param>
public sealed record CurveKeyPair(CurvePublicKey PublicKey, CurveSecretKey SecretKey);
