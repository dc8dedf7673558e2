using System.Text.Json;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// What <see cref="RpcWire.ParseRequest(int, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, bool, long)"/> read:
/// a request (<see cref="Rejection"/> is <see langword="null"/>; the caller owns <see cref="Document"/> and the rented
/// <see cref="Buffer"/>), or a rejection.
/// </summary>
internal readonly record struct RpcParsedRequest(
    RpcShape Shape, ulong? Id, string? Action, string? Caller, TimeSpan? Budget, JsonDocument? Document, byte[]? Buffer, RpcRejection? Rejection);
