using Fleet.Sdk.Security;

namespace Fleet.Sdk.Messaging;

/// <summary>Checks one service's client options; used at start-up and when a client is created in code.</summary>
internal static class AgentRpcClientOptionsValidator
{
    public static IEnumerable<string> Problems(AgentRpcClientOptions options, string key)
    {
        if (options.Endpoints.Count == 0)
        {
            yield return $"{key}:Endpoints is empty: list the service's endpoints, preferred first (for example tcp://10.0.0.5:7200).";
        }

        foreach (var endpoint in options.Endpoints)
        {
            if (!ZmqEndpoint.TryParse(endpoint, out _, out var error))
            {
                yield return $"{key}:Endpoints: {error}";
            }
        }

        if (!Enum.IsDefined(options.Protocol))
        {
            yield return $"{key}:Protocol must be Legacy or Fleet.";
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > FleetMessagingOptionsValidator.MaxDuration)
        {
            yield return $"{key}:Timeout must be positive (for example 00:00:05): every call needs a deadline.";
        }

        if (options.AttemptTimeout is { } attempt && (attempt <= TimeSpan.Zero || attempt > options.Timeout))
        {
            yield return $"{key}:AttemptTimeout must be positive and at most Timeout ({options.Timeout}), or unset.";
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            yield return $"{key}:MaxRetries must be between 0 and 10 (for example 2).";
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            yield return $"{key}:RetryDelay must be between 0 and one minute (for example 00:00:00.100).";
        }

        if (options.CircuitBreakerFailureRatio is <= 0 or > 1 || double.IsNaN(options.CircuitBreakerFailureRatio))
        {
            yield return $"{key}:CircuitBreakerFailureRatio must be above 0 and at most 1 (for example 0.5).";
        }

        if (options.CircuitBreakerMinimumThroughput < 2)
        {
            yield return $"{key}:CircuitBreakerMinimumThroughput must be at least 2 (for example 4).";
        }

        if (options.CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || options.CircuitBreakerSamplingDuration > TimeSpan.FromDays(1))
        {
            yield return $"{key}:CircuitBreakerSamplingDuration must be between 0.5 seconds and one day (for example 00:00:30).";
        }

        if (options.CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500) || options.CircuitBreakerBreakDuration > TimeSpan.FromDays(1))
        {
            yield return $"{key}:CircuitBreakerBreakDuration must be between 0.5 seconds and one day (for example 00:00:05).";
        }
    }
}
