using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>A scalar the pipeline made itself.</summary>
internal sealed class TrustedScalarValue(object? value) : ScalarValue(value), ITrustedValue;
