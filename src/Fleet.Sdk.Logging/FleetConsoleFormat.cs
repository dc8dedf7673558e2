namespace Fleet.Sdk.Logging;

/// <summary>How events are written to the console.</summary>
public enum FleetConsoleFormat
{
    /// <summary>Readable text in the Development environment, JSON elsewhere.</summary>
    Auto,

    /// <summary>One readable line per event.</summary>
    Text,

    /// <summary>One JSON object per line, the same fields as the files.</summary>
    Json,
}
