namespace Fleet.Sdk.Events;

/// <summary>Names shared by the durable stream types.</summary>
internal static class DurableStreamConstants
{
    public const string SectionName = "Fleet:Events:Durable";
    public const string MeterName = "Fleet.Sdk.Events";
    public const string PayloadField = "p";
}
