using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>A structure the pipeline made itself.</summary>
internal sealed class TrustedStructureValue(IEnumerable<LogEventProperty> properties) : StructureValue(properties), ITrustedValue;
