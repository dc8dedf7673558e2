using System.Diagnostics;
using System.Globalization;

namespace Fleet.Sdk.Messaging.Tests.Limits;

/// <summary>
/// A hostile peer in a Python process of its own, speaking raw ZMTP 3.0 over plain TCP sockets:
/// each connection sends a greeting (NULL or CURVE), completes the NULL handshake when it can (as a
/// DEALER, or the socket type given), then
/// sends a frame header declaring <c>size</c> bytes and all but the last byte, and stalls. It prints
/// one line <c>stalled N closed M</c> when every connection has been tried, and holds them open until
/// its standard input closes.
/// </summary>
internal sealed class ZmtpAttacker : IDisposable
{
    private const string Script = """
        import socket, struct, sys
        host, port, count, size, mechanism, kind, socket_type = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7].encode()

        def recv_exact(s, n):
            data = b''
            while len(data) < n:
                chunk = s.recv(n - len(data))
                if not chunk:
                    raise ConnectionError('closed by the server')
                data += chunk
            return data

        def command(name, body):
            data = bytes([len(name)]) + name + body
            return (bytes([0x04, len(data)]) if len(data) < 256 else b'\x06' + struct.pack('>Q', len(data))) + data

        def read_command(s):
            flags = recv_exact(s, 1)[0]
            size = recv_exact(s, 8 if flags & 0x02 else 1)
            recv_exact(s, struct.unpack('>Q', size)[0] if flags & 0x02 else size[0])

        greeting = b'\xff' + b'\x00' * 8 + b'\x7f' + bytes([3, 0]) + mechanism.encode().ljust(20, b'\x00') + b'\x00' + b'\x00' * 31
        ready = command(b'READY', bytes([11]) + b'Socket-Type' + struct.pack('>I', len(socket_type)) + socket_type)
        flags = {'message': 0x02, 'command': 0x06}[kind]
        payload = bytes([flags]) + struct.pack('>Q', size) + b'x' * (size - 1)
        held, closed = [], 0
        for i in range(count):
            s = socket.create_connection((host, port))
            try:
                s.sendall(greeting)
                recv_exact(s, 64)
                if mechanism == 'NULL':
                    s.sendall(ready)
                    read_command(s)
                s.sendall(payload)
                held.append(s)
            except OSError:
                closed += 1
                s.close()
        print('stalled %d closed %d' % (len(held), closed), flush=True)
        sys.stdin.read()
        """;

    private readonly Process _process;

    private ZmtpAttacker(Process process)
    {
        _process = process;
    }

    public int Stalled { get; private set; }

    public int Closed { get; private set; }

    /// <summary>Starts the attack and waits until every connection was tried.</summary>
    public static async Task<ZmtpAttacker> RunAsync(int port, int connections, long frameSize, string mechanism = "NULL", string kind = "message", string socketType = "DEALER")
    {
        var process = PyZmq.Start(Script, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), connections.ToString(CultureInfo.InvariantCulture),
            frameSize.ToString(CultureInfo.InvariantCulture), mechanism, kind, socketType);
        var attacker = new ZmtpAttacker(process);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var line = await process.StandardOutput.ReadLineAsync(cts.Token);
        if (line is null || !line.StartsWith("stalled ", StringComparison.Ordinal))
        {
            var error = await process.StandardError.ReadToEndAsync(cts.Token);
            attacker.Dispose();
            throw new InvalidOperationException($"The attacker script failed: {line}\n{error}");
        }

        var parts = line.Split(' ');
        attacker.Stalled = int.Parse(parts[1], CultureInfo.InvariantCulture);
        attacker.Closed = int.Parse(parts[3], CultureInfo.InvariantCulture);
        return attacker;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
