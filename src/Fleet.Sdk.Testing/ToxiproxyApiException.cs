using System.Net.Sockets;

namespace Fleet.Sdk.Testing;

/// <summary>
/// An error the Toxiproxy API answers with: its status code and Toxiproxy's own message, so that
/// clients written against Toxiproxy see the bodies they expect.
/// </summary>
internal sealed class ToxiproxyApiException : Exception
{
    public ToxiproxyApiException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; }

    public static ToxiproxyApiException BadRequestBody(string detail) => new(400, $"bad request body: {detail}");

    public static ToxiproxyApiException MissingField(string field) => new(400, $"missing required field: {field}");

    public static ToxiproxyApiException ProxyNotFound() => new(404, "proxy not found");

    public static ToxiproxyApiException ProxyAlreadyExists() => new(409, "proxy already exists");

    public static ToxiproxyApiException InvalidStream() => new(400, "stream was invalid, can be either upstream or downstream");

    public static ToxiproxyApiException InvalidToxicType() => new(400, "invalid toxic type");

    public static ToxiproxyApiException ToxicAlreadyExists() => new(409, "toxic already exists");

    public static ToxiproxyApiException ToxicNotFound() => new(404, "toxic not found");

    /// <summary>A listen address that cannot be bound: a 500 carrying the socket error, worded as Go's net.Listen words it.</summary>
    public static ToxiproxyApiException ListenFailed(string listen, SocketException error) =>
        new(500, $"listen tcp {listen}: bind: {Describe(error)}");

    public static ToxiproxyApiException ListenInvalid(string listen, string reason) =>
        new(500, $"listen tcp: address {listen}: {reason}");

    private static string Describe(SocketException error) => error.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "cannot assign requested address",
        SocketError.AccessDenied => "permission denied",
        _ => error.Message.ToLowerInvariant(),
    };
}
