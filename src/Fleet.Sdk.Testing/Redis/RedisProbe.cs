using System.Net.Sockets;
using System.Text;

namespace Fleet.Sdk.Testing;

/// <summary>Asks a Redis server for PING over a raw socket: no client library needed to know it is up.</summary>
internal static class RedisProbe
{
    private static readonly byte[] Ping = "PING\r\n"u8.ToArray();

    /// <summary>Returns the first reply line (<c>+PONG</c>, <c>-LOADING ...</c>); throws when nothing answers.</summary>
    public static async Task<string> PingAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
        await socket.SendAsync(Ping, SocketFlags.None, limit.Token).ConfigureAwait(false);
        var reply = new StringBuilder();
        var buffer = new byte[256];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the server closed the connection without answering PING");
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var end = reply.ToString().IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return reply.ToString(0, end);
            }
        }
    }
}
