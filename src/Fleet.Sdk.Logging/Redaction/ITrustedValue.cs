namespace Fleet.Sdk.Logging;

/// <summary>
/// Marks property values the pipeline made itself from code and configuration (the category, the
/// event id, the agent, machine, version and process id), never from the data being logged:
/// redaction need not scan them. A property the caller logs under the same name is a different,
/// unmarked value and is scanned as usual.
/// </summary>
internal interface ITrustedValue;
