using System.Text;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// The context's ZAP handler (rfc.zeromq.org/spec:27): a ROUTER on <c>inproc://zeromq.zap.01</c>,
/// on its own thread, answering libzmq's authentication requests. CURVE clients get in when their
/// public key is in <see cref="IFleetSecurity.AllowList"/> (read on every request, so reloads take
/// effect without a restart); NULL is allowed (plaintext is restricted by the endpoint policy
/// instead); every other mechanism is refused. A malformed request gets a 400 reply and never
/// stops the handler.
/// </summary>
internal sealed partial class ZapHandler
{
    public const string Endpoint = "inproc://zeromq.zap.01";

    private const int MaxFrames = 32;
    private static readonly byte[] Version = "1.0"u8.ToArray();

    private readonly ZmqContext _context;
    private readonly IFleetSecurity _security;
    private readonly ILogger _logger;
    private readonly LogThrottle _refusals;
    private readonly LogThrottle _malformed;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _ready = new();
    private Exception? _startError;
    private long _allowed;
    private long _refused;
    private long _malformedCount;

    public ZapHandler(ZmqContext context, IFleetSecurity security, ILogger logger, TimeProvider timeProvider)
    {
        _context = context;
        _security = security;
        _logger = logger;
        _refusals = new LogThrottle(timeProvider, TimeSpan.FromMinutes(1));
        _malformed = new LogThrottle(timeProvider, TimeSpan.FromMinutes(1));
        _thread = new Thread(Run) { IsBackground = true, Name = "zmq ZAP handler" };
    }

    /// <summary>Gets the number of CURVE clients admitted.</summary>
    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>Gets the number of authentication requests refused.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Gets the number of malformed requests answered with 400.</summary>
    public long MalformedCount => Interlocked.Read(ref _malformedCount);

    /// <summary>Starts the thread and waits until the handler is bound, so no server can start before it (RFC 27).</summary>
    public void Start()
    {
        _thread.Start();
        _ready.Wait();
        if (_startError is not null)
        {
            throw MessagingErrors.ZapHandlerUnavailable(_startError);
        }
    }

    /// <summary>Waits for the thread to end after the context was shut down.</summary>
    public void Join()
    {
        if (!_thread.Join(TimeSpan.FromSeconds(5)))
        {
            LogStopSlow(_logger);
        }
    }

    /// <summary>Answers one request (frames after the routing envelope); public for tests of malformed input.</summary>
    internal List<byte[]> Answer(IReadOnlyList<byte[]> request)
    {
        if (request.Count < 6)
        {
            return RejectMalformed(request, $"{request.Count} frame(s), expected at least 6 (version, request id, domain, address, identity, mechanism)");
        }

        if (!request[0].AsSpan().SequenceEqual(Version))
        {
            return RejectMalformed(request, $"version '{Printable(request[0])}', expected '1.0'");
        }

        var requestId = request[1];
        var domain = Printable(request[2]);
        var address = Printable(request[3]);
        var mechanism = Printable(request[5]);
        switch (mechanism)
        {
            case "CURVE":
                if (request.Count != 7 || request[6].Length != CurvePublicKey.Length)
                {
                    return RejectMalformed(request, $"a CURVE request carries one 32-byte key, not {request.Count - 6} frame(s) of {(request.Count > 6 ? request[6].Length : 0)} bytes");
                }

                var key = request[6];
                var allowList = _security.AllowList;
                if (allowList.IsAllowed(key))
                {
                    Interlocked.Increment(ref _allowed);
                    var userId = Z85.Encode(key);
                    LogAllowed(_logger, userId, address, domain);
                    return Reply(requestId, "200", "OK", userId);
                }

                Interlocked.Increment(ref _refused);
                var client = Z85.Encode(key);
                if (_refusals.ShouldLog($"{client}@{address}", out var repeats))
                {
                    LogRefused(_logger, client, address, domain, allowList.Directory, repeats);
                }
                else
                {
                    LogRefusedAgain(_logger, client, address, repeats);
                }

                return Reply(requestId, "400", "client key not authorized", string.Empty);

            case "NULL":
                // Plaintext sockets are limited to loopback, ipc and inproc by the endpoint policy; ZAP adds nothing.
                Interlocked.Increment(ref _allowed);
                return Reply(requestId, "200", "OK", string.Empty);

            default:
                Interlocked.Increment(ref _refused);
                if (_refusals.ShouldLog($"{mechanism}@{address}", out var suppressed))
                {
                    LogMechanismRefused(_logger, mechanism, address, domain, suppressed);
                }

                return Reply(requestId, "400", $"mechanism {mechanism} is not supported; use CURVE", string.Empty);
        }
    }

    private static List<byte[]> Reply(byte[] requestId, string status, string text, string userId) =>
        [Version, requestId, Encoding.ASCII.GetBytes(status), Encoding.ASCII.GetBytes(text), Encoding.ASCII.GetBytes(userId), []];

    private static string Printable(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 255));
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }

    private List<byte[]> RejectMalformed(IReadOnlyList<byte[]> request, string problem)
    {
        Interlocked.Increment(ref _malformedCount);
        if (_malformed.ShouldLog(problem, out var suppressed))
        {
            LogMalformed(_logger, problem, suppressed);
        }

        return Reply(request.Count > 1 ? request[1] : [], "400", "malformed ZAP request", string.Empty);
    }

    private void Run()
    {
        ZmqSocket socket;
        try
        {
            socket = _context.CreateSocket(ZmqSocketType.Router);
            socket.Linger = TimeSpan.Zero;
            socket.Bind(Endpoint);
        }
        catch (Exception ex) when (ex is ZmqException or ObjectDisposedException or FleetSecurityException)
        {
            _startError = ex;
            _ready.Set();
            return;
        }

        _ready.Set();
        using (socket)
        using (var frame = new ZmqFrame())
        {
            while (ServeOne(socket, frame))
            {
            }
        }
    }

    /// <summary>Serves one request; returns <see langword="false"/> when the context is shutting down.</summary>
    private bool ServeOne(ZmqSocket socket, ZmqFrame frame)
    {
        try
        {
            var frames = new List<byte[]>();
            do
            {
                socket.TryReceive(frame, Timeout.InfiniteTimeSpan);
                if (frames.Count < MaxFrames)
                {
                    frames.Add(frame.ToArray());
                }
            }
            while (frame.More);

            // [routing id] [more routing ids...] [empty delimiter] request...
            var delimiter = frames.FindIndex(1, f => f.Length == 0);
            var envelope = delimiter < 0 ? [frames[0], []] : frames.GetRange(0, delimiter + 1);
            var request = delimiter < 0 ? frames.GetRange(1, frames.Count - 1) : frames.GetRange(delimiter + 1, frames.Count - delimiter - 1);
            var reply = Answer(request);
            var message = envelope.Concat(reply).ToList();
            if (!socket.TrySendMultipart(message, TimeSpan.Zero))
            {
                LogReplyDropped(_logger);
            }

            return true;
        }
        catch (ZmqException ex) when (ex.IsContextTerminated)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        catch (Exception ex) when (ex is ZmqException or FleetSecurityException or IOException or UnauthorizedAccessException)
        {
            // One bad request or a transient allow-list failure must not stop authentication for everyone.
            LogRequestFailed(_logger, ex);
            return true;
        }
    }
}
