using System.Net;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Hosting;

/// <summary>Checks <see cref="FleetHostingOptions"/>; every problem names its key and how to fix it.</summary>
internal sealed class FleetHostingOptionsValidator : IValidateOptions<FleetHostingOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetHostingOptions options)
    {
        var failures = new List<string>();
        const string Key = HostingConstants.SectionName;
        if (options.HealthPort is < 0 or > 65535)
        {
            failures.Add($"{Key}:HealthPort is {options.HealthPort}: use a port between 1024 and 65535, or 0 for a free one.");
        }

        if (options.HealthAddress is { } address && !IPAddress.TryParse(address, out _) && address != "localhost")
        {
            failures.Add($"{Key}:HealthAddress is '{address}': use an IP address such as 127.0.0.1 (loopback) or 0.0.0.0 (every interface).");
        }

        if (string.IsNullOrWhiteSpace(options.AdminTokenSecret) || options.AdminTokenSecret.IndexOfAny(['/', '\\']) >= 0)
        {
            failures.Add($"{Key}:AdminTokenSecret is '{options.AdminTokenSecret}': use the name of a secret such as admin-token (its file is set by Fleet:Security:Secrets:<name>).");
        }

        Positive(failures, $"{Key}:DependencyTimeout", options.DependencyTimeout);
        Positive(failures, $"{Key}:DependencyCheckInterval", options.DependencyCheckInterval);
        Positive(failures, $"{Key}:ShutdownTimeout", options.ShutdownTimeout);
        foreach (var (dependency, value) in options.Dependencies)
        {
            if (value.Timeout is { } timeout)
            {
                Positive(failures, $"{Key}:Dependencies:{dependency}:Timeout", timeout);
            }

            if (value.Endpoint is { } endpoint && !endpoint.Contains("://", StringComparison.Ordinal))
            {
                failures.Add($"{Key}:Dependencies:{dependency}:Endpoint is '{endpoint}': use a ZeroMQ endpoint such as tcp://10.0.0.5:7200.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            failures.Add($"{key} is {value}: use a duration above zero and below one day, for example 00:00:10.");
        }
    }
}
