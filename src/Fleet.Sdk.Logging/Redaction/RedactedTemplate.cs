using Serilog.Events;

namespace Fleet.Sdk.Logging;

/// <summary>The masked form of a template (or <see langword="null"/> when it needs none) for one version of the secrets.</summary>
internal sealed record RedactedTemplate(int Version, MessageTemplate? Redacted);
