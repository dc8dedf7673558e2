using System.Security.Cryptography;

namespace Fleet.Sdk.Messaging;

/// <summary>An event a bridge publisher keeps to send again.</summary>
internal sealed record BridgeRecentEvent(long At, byte[] Topic, byte[] Header, byte[] Payload);
