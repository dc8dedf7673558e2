using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Coordination;

/// <summary>
/// Reads the keys Redis was configured with before the coordination layer (<c>Fleet:Discovery:Redis:*</c>) where
/// the new key is not set, and records each one used, so the connection logs a warning naming the new key.
/// </summary>
internal sealed class LegacyRedisKeysSetup(IConfiguration? configuration) : IConfigureOptions<FleetCoordinationOptions>
{
    private const string Current = CoordinationConstants.SectionName;
    private const string Legacy = CoordinationConstants.LegacyRedisSectionName;

    public void Configure(FleetCoordinationOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        Apply(options, "ConnectionString", $"{Current}:Redis:ConnectionString", v => options.Redis.ConnectionString = v);
        Apply(options, "PasswordSecret", $"{Current}:Redis:PasswordSecret", v => options.Redis.PasswordSecret = v);
        Apply(options, "Tls", $"{Current}:Redis:Tls", v => options.Redis.Tls = bool.Parse(v));
        Apply(options, "FleetName", $"{Current}:FleetName", v => options.FleetName = v);
        Apply(options, "ConnectTimeout", $"{Current}:Redis:ConnectTimeout", v => options.Redis.ConnectTimeout = TimeSpan.Parse(v, CultureInfo.InvariantCulture));
        Apply(options, "OperationTimeout", $"{Current}:Redis:OperationTimeout", v => options.Redis.OperationTimeout = TimeSpan.Parse(v, CultureInfo.InvariantCulture));
    }

    private void Apply(FleetCoordinationOptions options, string name, string currentKey, Action<string> set)
    {
        var legacyKey = $"{Legacy}:{name}";
        var value = configuration![legacyKey];
        if (string.IsNullOrEmpty(value) || configuration[currentKey] is not null)
        {
            return;
        }

        try
        {
            set(value);
        }
        catch (FormatException ex)
        {
            throw new OptionsValidationException(
                Options.DefaultName,
                typeof(FleetCoordinationOptions),
                [$"{legacyKey} is '{value}', which is not valid ({ex.Message}); set {currentKey} instead."]);
        }

        options.LegacyKeysUsed.Add((legacyKey, currentKey));
    }
}
