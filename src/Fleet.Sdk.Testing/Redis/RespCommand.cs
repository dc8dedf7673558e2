using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Sends one command to a Redis server or a sentinel over a raw socket and reads its reply: the harness
/// asks sentinels who the master is without a client library. Replies come back as <see cref="string"/>
/// (simple and bulk strings), <see cref="long"/>, <see langword="null"/> (nil) or <c>object?[]</c>; an
/// error reply throws <see cref="InvalidOperationException"/> with the server's message.
/// </summary>
internal static class RespCommand
{
    public static async Task<object?> SendAsync(string host, int port, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await SendAsync(host, port, [command], timeout, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Sends several commands on one connection (WAIT counts the writes of its own connection) and returns every reply.</summary>
    public static async Task<object?[]> SendAsync(string host, int port, IReadOnlyList<IReadOnlyList<string>> commands, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new Reader(stream);
        var replies = new object?[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{commands[i].Count}\r\n");
            foreach (var part in commands[i])
            {
                request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), limit.Token).ConfigureAwait(false);
            replies[i] = await reader.ReadAsync(limit.Token).ConfigureAwait(false);
        }

        return replies;
    }

    /// <summary>Turns a flat reply array of field, value, field, value (SENTINEL MASTER) into a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> Fields(object? reply)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reply is object?[] items)
        {
            for (var i = 0; i + 1 < items.Length; i += 2)
            {
                fields[items[i]?.ToString() ?? string.Empty] = items[i + 1]?.ToString() ?? string.Empty;
            }
        }

        return fields;
    }

    /// <summary>Reads <c>name:value</c> lines of an INFO reply.</summary>
    public static IReadOnlyDictionary<string, string> Info(object? reply)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (reply as string ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !line.StartsWith('#'))
            {
                fields[line[..colon]] = line[(colon + 1)..];
            }
        }

        return fields;
    }

    private sealed class Reader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[4096];
        private readonly List<byte> _pending = [];

        public async Task<object?> ReadAsync(CancellationToken cancellationToken)
        {
            var line = await LineAsync(cancellationToken).ConfigureAwait(false);
            var body = line.Length > 1 ? line[1..] : string.Empty;
            switch (line.Length > 0 ? line[0] : '?')
            {
                case '+':
                    return body;
                case '-':
                    throw new InvalidOperationException(body);
                case ':':
                    return long.Parse(body, CultureInfo.InvariantCulture);
                case '$':
                    var length = int.Parse(body, CultureInfo.InvariantCulture);
                    if (length < 0)
                    {
                        return null;
                    }

                    var bytes = await BytesAsync(length + 2, cancellationToken).ConfigureAwait(false);
                    return Encoding.UTF8.GetString(bytes, 0, length);
                case '*':
                    var count = int.Parse(body, CultureInfo.InvariantCulture);
                    if (count < 0)
                    {
                        return null;
                    }

                    var items = new object?[count];
                    for (var i = 0; i < count; i++)
                    {
                        items[i] = await ReadAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return items;
                default:
                    throw new IOException($"not a RESP reply: '{line}'");
            }
        }

        private async Task<string> LineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                for (var i = 0; i + 1 < _pending.Count; i++)
                {
                    if (_pending[i] == '\r' && _pending[i + 1] == '\n')
                    {
                        var line = Encoding.UTF8.GetString(_pending.GetRange(0, i).ToArray());
                        _pending.RemoveRange(0, i + 2);
                        return line;
                    }
                }

                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<byte[]> BytesAsync(int count, CancellationToken cancellationToken)
        {
            while (_pending.Count < count)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            var bytes = _pending.GetRange(0, count).ToArray();
            _pending.RemoveRange(0, count);
            return bytes;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            var read = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the server closed the connection before its reply was complete");
            }

            _pending.AddRange(_buffer.AsSpan(0, read).ToArray());
        }
    }
}
