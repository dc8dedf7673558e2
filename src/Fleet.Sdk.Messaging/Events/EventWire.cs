using System.Buffers.Binary;

namespace Fleet.Sdk.Messaging;

/// <summary>The <c>fleet.event/1</c> header: "FEV1", publisher id (8 bytes) and sequence (8 bytes), big-endian.</summary>
internal static class EventWire
{
    public const int HeaderLength = 20;

    public static ReadOnlySpan<byte> Magic => "FEV1"u8;

    public static void WriteHeader(Span<byte> header, ulong publisherId, ulong sequence)
    {
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt64BigEndian(header[4..], publisherId);
        BinaryPrimitives.WriteUInt64BigEndian(header[12..], sequence);
    }

    public static bool TryReadHeader(ReadOnlySpan<byte> header, out ulong publisherId, out ulong sequence)
    {
        publisherId = 0;
        sequence = 0;
        if (header.Length != HeaderLength || !header.StartsWith(Magic))
        {
            return false;
        }

        publisherId = BinaryPrimitives.ReadUInt64BigEndian(header[4..]);
        sequence = BinaryPrimitives.ReadUInt64BigEndian(header[12..]);
        return true;
    }
}
