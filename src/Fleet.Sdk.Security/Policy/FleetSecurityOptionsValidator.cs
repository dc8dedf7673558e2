using Fleet.Sdk.Config;
using Fleet.Sdk.PathManager;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Security;

/// <summary>
/// The start-up policy: the agent's certificate exists, is private and strong; no secret is on the
/// command line; no legacy placeholder key lingers in the environment. Every problem at once.
/// </summary>
internal sealed partial class FleetSecurityOptionsValidator(
    IServiceProvider services,
    ISecretRegistry registry,
    IEnvironmentVariables environment,
    CommandLineArguments commandLine,
    ILogger<IFleetSecurity> logger) : IValidateOptions<FleetSecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetSecurityOptions options)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = new List<string>();
        if (options.AllowListReloadInterval <= TimeSpan.Zero && options.AllowListReloadInterval != Timeout.InfiniteTimeSpan)
        {
            problems.Add("Fleet:Security:AllowListReloadInterval must be positive (for example 00:00:05).");
        }

        if (!string.IsNullOrWhiteSpace(options.CertificateName))
        {
            try
            {
                // Paths are resolved only when a certificate must be found: tools that use security
                // without one (the fleet CLI) never create the agent's directories.
                var paths = services.GetRequiredService<IFleetPaths>();
                FleetSecurity.LoadOwnCertificate(FleetSecurity.ResolveCertificatesDirectory(options, paths), options.CertificateName, registry);
            }
            catch (FleetSecurityException ex)
            {
                problems.Add($"Fleet:Security:CertificateName: {ex.Message}");
            }
        }

        foreach (var variable in SecurityConstants.LegacyKeyVariables)
        {
            var value = environment.Get(variable);
            if (value is null)
            {
                continue;
            }

            registry.Register(variable, value);
            if (!CurvePublicKey.TryParse(value, out var key, out _) || WeakCurveKeys.Reason(key.Bytes, key.ToZ85()) is not null)
            {
                problems.Add(
                    $"Environment variable {variable} holds a placeholder or weak key (the Python fleet fell back to 'default'). " +
                    "Unset it: Fleet.Sdk reads keys only from certificate files (Fleet:Security:CertificateName).");
            }
            else
            {
                LogLegacyKeyVariableIgnored(logger, variable);
            }
        }

        problems.AddRange(SecurityChecks.SecretArguments(commandLine.Arguments, registry).Select(a => SecurityErrors.SecretOnCommandLine(a).Message));

        if (!options.RequireCurve)
        {
            LogCurveNotRequired(logger);
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "SECURITY: Fleet:Security:RequireCurve is false. Endpoints that leave this machine may run without encryption or authentication; every such endpoint is logged.")]
    private static partial void LogCurveNotRequired(ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "Environment variable {Variable} is ignored: Fleet.Sdk reads CURVE keys from certificate files (Fleet:Security:CertificateName). Unset it so it does not leak through the process environment.")]
    private static partial void LogLegacyKeyVariableIgnored(ILogger logger, string variable);
}
