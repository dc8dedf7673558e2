using System.Text;
using System.Text.Json;

namespace Fleet.Sdk.Messaging;

/// <summary>One received event.</summary>
public sealed class EventMessage
{
    internal EventMessage(string topic, byte[] payload, EventFormat format, ulong? publisherId, ulong? sequence, long missed)
    {
        Topic = topic;
        Payload = payload;
        Format = format;
        PublisherId = publisherId;
        Sequence = sequence;
        Missed = missed;
    }

    /// <summary>Gets the topic (the first frame, as UTF-8); empty for a single-frame legacy message.</summary>
    public string Topic { get; }

    /// <summary>Gets the payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Gets the framing the publisher used.</summary>
    public EventFormat Format { get; }

    /// <summary>Gets the publisher instance's id (new on every publisher start), for <see cref="EventFormat.Fleet"/> events.</summary>
    public ulong? PublisherId { get; }

    /// <summary>Gets the sequence number of this event on its topic from its publisher, for <see cref="EventFormat.Fleet"/> events.</summary>
    public ulong? Sequence { get; }

    /// <summary>Gets how many events of this topic and publisher were missed right before this one (dropped at a high-water mark, or lost while disconnected).</summary>
    public long Missed { get; }

    /// <summary>Decodes the payload as UTF-8 text.</summary>
    /// <returns>The text.</returns>
    public string PayloadText() => Encoding.UTF8.GetString(Payload.Span);

    /// <summary>Deserializes the payload from JSON.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="options">Serializer options.</param>
    /// <returns>The value.</returns>
    public T? PayloadJson<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Payload.Span, options);
}
