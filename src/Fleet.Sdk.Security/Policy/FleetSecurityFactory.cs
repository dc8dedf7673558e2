using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Security;

/// <summary>
/// Creates <see cref="IFleetSecurity"/> without a host, for tools (such as <c>fleet call</c>) and
/// code that builds its own ZeroMQ context. Hosts use <c>AddFleetSecurity()</c> instead, which also
/// runs the start-up policy.
/// </summary>
public static class FleetSecurityFactory
{
    /// <summary>Creates the agent's security from <paramref name="options"/>.</summary>
    /// <param name="options">The options; <see cref="FleetSecurityOptions.CertificatesDirectory"/> is resolved against the current directory, and defaults to <c>./certificates</c>.</param>
    /// <param name="registry">Where loaded secret keys are registered for redaction; a new registry when <see langword="null"/>.</param>
    /// <param name="logger">Where policy warnings and allow-list reloads are logged.</param>
    /// <param name="timeProvider">The clock for allow-list polling.</param>
    /// <returns>The security; it implements <see cref="IDisposable"/>, which stops watching the allow-list.</returns>
    public static IFleetSecurity Create(FleetSecurityOptions options, ISecretRegistry? registry = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = Path.GetFullPath(string.IsNullOrWhiteSpace(options.CertificatesDirectory) ? "certificates" : options.CertificatesDirectory);
        return new FleetSecurity(options, directory, registry ?? new SecretRegistry(), logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
    }
}
