namespace Fleet.Sdk.Security;

/// <summary>
/// Makes CURVE key pairs. Security defines it; Fleet.Sdk.Messaging implements it with libzmq's
/// <c>zmq_curve_keypair</c> and <c>zmq_curve_public</c>, the same code pyzmq uses.
/// </summary>
public interface ICurveKeyGenerator
{
    /// <summary>Generates a new key pair from the operating system's random source.</summary>
    /// <returns>The key pair.</returns>
    CurveKeyPair Generate();

    /// <summary>Derives the public key belonging to <paramref name="secretKey"/>.</summary>
    /// <param name="secretKey">A secret key.</param>
    /// <returns>Its public key.</returns>
    CurvePublicKey DerivePublicKey(CurveSecretKey secretKey);
}
