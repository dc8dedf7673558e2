using Fleet.Sdk.Security;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Messaging;

/// <summary>Checks <c>Fleet:Messaging</c> at start-up; every problem at once, each naming its key and a valid example.</summary>
internal sealed class FleetMessagingOptionsValidator : IValidateOptions<FleetMessagingOptions>
{
    private const string Section = MessagingConstants.SectionName;

    public ValidateOptionsResult Validate(string? name, FleetMessagingOptions options)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IEnumerable<string> Problems(FleetMessagingOptions options)
    {
        if (options.Linger < TimeSpan.Zero || options.Linger > MaxDuration)
        {
            yield return $"{Section}:Linger must be zero or a positive, finite duration (for example 00:00:01); an infinite linger makes shutdown hang.";
        }

        if (options.SendHighWatermark < 0)
        {
            yield return $"{Section}:SendHighWatermark must be zero (unlimited) or positive (for example 1000).";
        }

        if (options.ReceiveHighWatermark < 0)
        {
            yield return $"{Section}:ReceiveHighWatermark must be zero (unlimited) or positive (for example 1000).";
        }

        if (options.MaxMessageSize <= 0)
        {
            yield return $"{Section}:MaxMessageSize must be a positive number of bytes (for example 1048576 for 1 MiB).";
        }

        if (options.MaxConnections < 1)
        {
            yield return $"{Section}:MaxConnections must be at least 1 (for example 1024).";
        }

        if (options.HeartbeatInterval < TimeSpan.Zero || options.HeartbeatInterval > MaxDuration)
        {
            yield return $"{Section}:HeartbeatInterval must be zero (off) or a positive duration (for example 00:00:05).";
        }
        else if (options.HeartbeatInterval > TimeSpan.Zero && (options.HeartbeatTimeout <= options.HeartbeatInterval || options.HeartbeatTimeout > MaxDuration))
        {
            yield return $"{Section}:HeartbeatTimeout must be longer than HeartbeatInterval ({options.HeartbeatInterval}), for example three intervals.";
        }

        if (options.ReconnectInterval <= TimeSpan.Zero || options.ReconnectInterval > MaxDuration)
        {
            yield return $"{Section}:ReconnectInterval must be positive (for example 00:00:00.100).";
        }

        if (options.ReconnectIntervalMax < TimeSpan.Zero || options.ReconnectIntervalMax > MaxDuration ||
            (options.ReconnectIntervalMax > TimeSpan.Zero && options.ReconnectIntervalMax < options.ReconnectInterval))
        {
            yield return $"{Section}:ReconnectIntervalMax must be zero (no back-off) or at least ReconnectInterval (for example 00:00:05).";
        }

        if (options.HandshakeTimeout <= TimeSpan.Zero || options.HandshakeTimeout > MaxDuration)
        {
            yield return $"{Section}:HandshakeTimeout must be positive (for example 00:00:10); without it a peer that connects and says nothing is kept forever.";
        }

        if (options.ConnectTimeout < TimeSpan.Zero || options.ConnectTimeout > MaxDuration)
        {
            yield return $"{Section}:ConnectTimeout must be zero (the operating system's limit) or positive (for example 00:00:05).";
        }

        if (options.TcpKeepAlive && (options.TcpKeepAliveIdle < TimeSpan.FromSeconds(1) || options.TcpKeepAliveInterval < TimeSpan.FromSeconds(1) || options.TcpKeepAliveCount < 1))
        {
            yield return $"{Section}:TcpKeepAliveIdle and TcpKeepAliveInterval must be at least one second and TcpKeepAliveCount at least 1 (for example 00:01:00, 00:00:10, 3).";
        }

        foreach (var problem in ServerProblems(options.Server))
        {
            yield return problem;
        }

        foreach (var (service, client) in options.Services)
        {
            foreach (var problem in AgentRpcClientOptionsValidator.Problems(client, $"{Section}:Services:{service}"))
            {
                yield return problem;
            }
        }
    }

    internal static TimeSpan MaxDuration => TimeSpan.FromMilliseconds(int.MaxValue);

    private static IEnumerable<string> ServerProblems(AgentRpcServerOptions server)
    {
        foreach (var endpoint in server.Endpoints)
        {
            if (!ZmqEndpoint.TryParse(endpoint, out _, out var error))
            {
                yield return $"{Section}:Server:Endpoints: {error}";
            }
        }

        if (string.IsNullOrWhiteSpace(server.ZapDomain) || server.ZapDomain.Length > 255 || !server.ZapDomain.All(char.IsAscii))
        {
            yield return $"{Section}:Server:ZapDomain must be 1 to 255 ASCII characters (for example fleet).";
        }

        if (server.MaxConnections < 1)
        {
            yield return $"{Section}:Server:MaxConnections must be at least 1 (for example 256).";
        }

        if (server.MaxConcurrentRequests < 1)
        {
            yield return $"{Section}:Server:MaxConcurrentRequests must be at least 1 (for example 64).";
        }

        if (server.HandlerTimeout <= TimeSpan.Zero || server.HandlerTimeout > MaxDuration)
        {
            yield return $"{Section}:Server:HandlerTimeout must be positive (for example 00:00:30).";
        }
    }
}
