namespace Fleet.Sdk.Coordination;

/// <summary>Names and defaults of the coordination layer.</summary>
public static class CoordinationConstants
{
    /// <summary>The configuration section, <c>Fleet:Coordination</c>.</summary>
    public const string SectionName = "Fleet:Coordination";

    /// <summary>The section read before <c>Fleet:Coordination:Redis</c> existed, still honoured with a warning.</summary>
    public const string LegacyRedisSectionName = "Fleet:Discovery:Redis";

    /// <summary>The meter and activity source name, <c>Fleet.Sdk.Coordination</c>.</summary>
    public const string TelemetryName = "Fleet.Sdk.Coordination";
}
