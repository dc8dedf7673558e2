using System.Runtime.InteropServices;
using Fleet.Sdk.Security;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Generates CURVE key pairs with libzmq (<c>zmq_curve_keypair</c>, libsodium's random source),
/// the same code pyzmq's <c>zmq.curve_keypair()</c> runs. Registered as <see cref="ICurveKeyGenerator"/>
/// by <c>AddFleetMessaging()</c>. Thread-safe.
/// </summary>
public sealed unsafe class ZmqCurveKeyGenerator : ICurveKeyGenerator
{
    /// <summary>Creates a generator.</summary>
    /// <exception cref="ZmqException">libzmq is not installed, or was built without CURVE.</exception>
    public ZmqCurveKeyGenerator()
    {
        ZmqNative.EnsureLoaded();
        if (LibZmq.zmq_has("curve") == 0)
        {
            throw MessagingErrors.NoCurveSupport();
        }
    }

    /// <inheritdoc />
    public CurveKeyPair Generate()
    {
        var publicText = stackalloc byte[41];
        var secretText = stackalloc byte[41];
        try
        {
            if (LibZmq.zmq_curve_keypair(publicText, secretText) != 0)
            {
                throw MessagingErrors.Native("zmq_curve_keypair", Marshal.GetLastPInvokeError());
            }

            return new CurveKeyPair(
                CurvePublicKey.Parse(Encoding(publicText)),
                CurveSecretKey.Parse(Encoding(secretText)));
        }
        finally
        {
            new Span<byte>(secretText, 41).Clear();
        }
    }

    /// <inheritdoc />
    public CurvePublicKey DerivePublicKey(CurveSecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var publicText = stackalloc byte[41];
        var secretText = stackalloc byte[41];
        try
        {
            System.Text.Encoding.ASCII.GetBytes(secretKey.ToZ85(), new Span<byte>(secretText, 40));
            secretText[40] = 0;
            if (LibZmq.zmq_curve_public(publicText, secretText) != 0)
            {
                throw MessagingErrors.Native("zmq_curve_public", Marshal.GetLastPInvokeError());
            }

            return CurvePublicKey.Parse(Encoding(publicText));
        }
        finally
        {
            new Span<byte>(secretText, 41).Clear();
        }
    }

    private static string Encoding(byte* z85) => System.Text.Encoding.ASCII.GetString(z85, 40);
}
