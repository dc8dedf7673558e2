using System.Text;
using Microsoft.AspNetCore.Http;

namespace Fleet.Sdk.Testing;

/// <summary>What the API answers: status, content type and body, written as Toxiproxy writes them.</summary>
internal sealed class ApiResult
{
    private const string Json = "application/json";
    private const string PlainText = "text/plain; charset=utf-8";

    private ApiResult(int status, string? contentType, byte[]? body, bool noSniff = false)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
        NoSniff = noSniff;
    }

    public int Status { get; }

    public string? ContentType { get; }

    public byte[]? Body { get; }

    private bool NoSniff { get; }

    public static ApiResult Ok(byte[] json, int status = StatusCodes.Status200OK) => new(status, Json, json);

    public static ApiResult Empty(int status) => new(status, null, null);

    public static ApiResult Text(int status, string text) => new(status, PlainText, Encoding.UTF8.GetBytes(text), noSniff: true);

    public static ApiResult Raw(int status, string contentType, string text) => new(status, contentType, Encoding.UTF8.GetBytes(text));

    /// <summary>An error as Toxiproxy sends it: its JSON through Go's http.Error (text/plain, trailing newline).</summary>
    public static ApiResult Error(int status, string message) =>
        new(status, PlainText, [.. ApiJsonWriter.Error(status, message), (byte)'\n'], noSniff: true);

    public static ApiResult Error(ToxiproxyApiException error) => Error(error.StatusCode, error.Message);

    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = Status;
        if (NoSniff)
        {
            response.Headers.XContentTypeOptions = "nosniff";
        }

        if (ContentType is not null)
        {
            response.ContentType = ContentType;
        }

        if (Body is { Length: > 0 })
        {
            response.ContentLength = Body.Length;
            await response.Body.WriteAsync(Body, cancellationToken).ConfigureAwait(false);
        }
    }
}
