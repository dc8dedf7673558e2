using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>
/// One HTTP/1.1 request written byte for byte on a fresh socket (HttpClient would escape the path,
/// refuse odd methods and fix the framing), and its answer read until the server closes or the
/// declared body arrived.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawResponse> SendAsync(
        IPEndPoint server,
        string method,
        string target,
        byte[]? body,
        IReadOnlyDictionary<string, string>? headers,
        long? declaredLength,
        bool closeAfterBody,
        TimeSpan bound)
    {
        using var cts = new CancellationTokenSource(bound);
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cts.Token);
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(server).Append("\r\nConnection: close\r\n");
        var chunked = false;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            chunked |= name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase);
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (declaredLength is { } length)
        {
            head.Append("Content-Length: ").Append(length).Append("\r\n");
        }
        else if (body is not null && !chunked)
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("\r\n");
        var sent = SendAllAsync(socket, Encoding.UTF8.GetBytes(head.ToString()), body, closeAfterBody, cts.Token);
        var answer = await ReceiveAsync(socket, cts.Token);

        // The server may answer (413) before reading a body it refuses; the rest of the send may then fail.
        string? sendError = null;
        try
        {
            await sent;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            sendError = ex.Message;
        }

        return answer with { SendError = sendError };
    }

    private static async Task SendAllAsync(Socket socket, byte[] head, byte[]? body, bool closeAfterBody, CancellationToken cancellationToken)
    {
        await socket.SendAsync(head, SocketFlags.None, cancellationToken);
        if (body is { Length: > 0 })
        {
            await socket.SendAsync(body, SocketFlags.None, cancellationToken);
        }

        if (closeAfterBody)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    private static async Task<RawResponse> ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // Kestrel aborts a connection whose request body it refused or whose framing broke,
                // sometimes before the answer is out: status 0 says "closed without an answer".
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
            if (Complete(received.ToArray()))
            {
                break;
            }
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        var firstLine = text.Split("\r\n", 2)[0].Split(' ');
        var status = firstLine.Length > 1 && int.TryParse(firstLine[1], out var code) ? code : 0;
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return new RawResponse(status, split < 0 ? string.Empty : text[..split], split < 0 ? string.Empty : text[(split + 4)..]);
    }

    /// <summary>Whether the headers and the Content-Length body (none when absent) have arrived.</summary>
    private static bool Complete(byte[] data)
    {
        var text = Encoding.Latin1.GetString(data);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var length = text[..split].Split("\r\n")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => long.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
        return text.Length - split - 4 >= length;
    }
}

internal sealed record RawResponse(int Status, string Headers, string Body, string? SendError = null);
