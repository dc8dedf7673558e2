using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fleet.Sdk.Security;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Publishes events on a PUB socket: a topic frame subscribers filter on by prefix, then the
/// payload, with (in <see cref="EventFormat.Fleet"/>) a header carrying this publisher's id and a
/// sequence number per topic so subscribers know when they missed something. Thread-safe: any
/// thread may publish. Publishing never blocks: a subscriber that falls behind its high-water
/// mark loses messages, which its gap detector reports.
/// </summary>
public sealed class EventPublisher : IDisposable
{
    private readonly ZmqSocket _socket;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ulong> _sequences = new(StringComparer.Ordinal);
    private readonly byte[] _header = new byte[EventWire.HeaderLength];
    private readonly List<string> _endpoints = [];

    /// <summary>Creates a publisher and binds or connects its endpoints (each checked by the security policy).</summary>
    /// <param name="context">The context.</param>
    /// <param name="options">Endpoints, format and CURVE.</param>
    /// <exception cref="FleetSecurityException">The policy forbids an endpoint, or CURVE keys cannot be loaded.</exception>
    /// <exception cref="ZmqException">A bind failed.</exception>
    public EventPublisher(ZmqContext context, EventPublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BindEndpoints.Count + options.ConnectEndpoints.Count == 0)
        {
            throw MessagingErrors.PublisherWithoutEndpoint();
        }

        Format = options.Format;
        PublisherId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        _socket = context.CreateSocket(ZmqSocketType.Pub);
        try
        {
            // Subscribers only send subscriptions: a larger frame is an attack on memory, dropped at its header.
            _socket.MaxMessageSize = MessagingConstants.SubscriptionFrameLimit;
            if (options.BindEndpoints.Count > 0 && options.UseCurve)
            {
                _socket.UseCurveServer();
            }
            else if (options.ConnectEndpoints.Count > 0 && options.ServerKey is not null)
            {
                _socket.UseCurveClient(CurveKeys.Resolve(context.Security, options.ServerKey), context.Security.GetOwnCertificate().KeyPair);
            }

            foreach (var endpoint in options.BindEndpoints)
            {
                _endpoints.Add(_socket.Bind(endpoint));
            }

            foreach (var endpoint in options.ConnectEndpoints)
            {
                _socket.Connect(endpoint);
                _endpoints.Add(endpoint);
            }
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>Gets the endpoints, with random ports resolved.</summary>
    public IReadOnlyList<string> Endpoints => _endpoints;

    /// <summary>Gets this publisher's id, random per instance: subscribers see a restart as a new id.</summary>
    public ulong PublisherId { get; }

    /// <summary>Gets the framing.</summary>
    public EventFormat Format { get; }

    /// <summary>Publishes <paramref name="payload"/> on <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic; subscribers match its UTF-8 bytes by prefix.</param>
    /// <param name="payload">The payload.</param>
    public void Publish(string topic, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var topicBytes = Encoding.UTF8.GetBytes(topic);
        lock (_gate)
        {
            if (Format == EventFormat.Legacy)
            {
                _socket.TrySend(topicBytes, TimeSpan.Zero, more: true);
                _socket.TrySend(payload, TimeSpan.Zero);
                return;
            }

            _sequences.TryGetValue(topic, out var sequence);
            _sequences[topic] = ++sequence;
            EventWire.WriteHeader(_header, PublisherId, sequence);
            _socket.TrySend(topicBytes, TimeSpan.Zero, more: true);
            _socket.TrySend(_header, TimeSpan.Zero, more: true);
            _socket.TrySend(payload, TimeSpan.Zero);
        }
    }

    /// <summary>Publishes UTF-8 text.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="text">The text.</param>
    public void Publish(string topic, string text) => Publish(topic, Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>Publishes <paramref name="value"/> as JSON.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="topic">The topic.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options.</param>
    public void PublishJson<T>(string topic, T value, JsonSerializerOptions? options = null) =>
        Publish(topic, JsonSerializer.SerializeToUtf8Bytes(value, options));

    /// <summary>Closes the socket; queued messages linger at most the context's linger.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _socket.Dispose();
        }
    }
}
