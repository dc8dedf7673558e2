namespace Fleet.Sdk.Hosting;

/// <summary>An admin request refused: the HTTP status and the message saying how to do it right.</summary>
internal sealed record AdminRefusal(int Status, string Message);
