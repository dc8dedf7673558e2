using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Coordination;

/// <summary>Checks the coordination options at start-up, naming the key of every problem.</summary>
internal sealed class FleetCoordinationOptionsValidator : IValidateOptions<FleetCoordinationOptions>
{
    private const string Section = CoordinationConstants.SectionName;

    public ValidateOptionsResult Validate(string? name, FleetCoordinationOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(options.FleetName) || options.FleetName.Length > 64 || !options.FleetName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            problems.Add($"{Section}:FleetName '{options.FleetName}' is not valid: use 1 to 64 letters, digits, '_' and '-'.");
        }

        if (options.Engine == CoordinationEngine.Auto && options.Redis.IsConfigured && options.Nats.IsConfigured)
        {
            problems.Add($"Both Redis ({Section}:Redis) and NATS ({Section}:Nats:Servers) are configured; set {Section}:Engine to Redis or Nats.");
        }

        switch (options.EffectiveEngine)
        {
            case CoordinationEngine.Redis:
                ValidateRedis(options.Redis, problems);
                break;
            case CoordinationEngine.Nats:
                ValidateNats(options.Nats, problems);
                break;
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void ValidateRedis(RedisCoordinationOptions redis, List<string> problems)
    {
        if (!redis.IsConfigured)
        {
            problems.Add($"{Section}:Engine is Redis but neither {Section}:Redis:ConnectionString (for example 10.0.0.2:6379) nor {Section}:Redis:Sentinels (for example 10.0.0.2:26379,10.0.0.3:26379,10.0.0.4:26379) is set.");
        }

        if (redis.HasSentinels && !string.IsNullOrWhiteSpace(redis.ConnectionString))
        {
            problems.Add($"Set either {Section}:Redis:Sentinels or {Section}:Redis:ConnectionString, not both: with Sentinel the master is asked from the sentinels.");
        }

        if (redis.UsesSentinel && string.IsNullOrWhiteSpace(redis.ServiceName))
        {
            problems.Add($"{Section}:Redis:ServiceName must name the master Sentinel monitors (sentinel monitor NAME ...).");
        }

        if (redis.ConnectTimeout <= TimeSpan.Zero || redis.OperationTimeout <= TimeSpan.Zero || redis.ReplicaAckTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:Redis:ConnectTimeout, :OperationTimeout and :ReplicaAckTimeout must be positive.");
        }

        try
        {
            AddressMapTunnel.Parse(redis.AddressMap);
        }
        catch (FormatException ex)
        {
            problems.Add(ex.Message);
        }

        if (redis.MinReplicaAcks is < 0 or > 16)
        {
            problems.Add($"{Section}:Redis:MinReplicaAcks is {redis.MinReplicaAcks}; use 0 (no confirmation) to 16.");
        }
    }

    private static void ValidateNats(NatsCoordinationOptions nats, List<string> problems)
    {
        if (!nats.IsConfigured)
        {
            problems.Add($"{Section}:Engine is Nats but {Section}:Nats:Servers is not set (for example nats://10.0.0.2:4222,nats://10.0.0.3:4223,nats://10.0.0.4:4222).");
        }

        foreach (var server in nats.ServerList)
        {
            if (!Uri.TryCreate(server.Contains("://", StringComparison.Ordinal) ? server : "nats://" + server, UriKind.Absolute, out var uri) || uri.Port <= 0 || uri.UserInfo.Length > 0)
            {
                problems.Add($"{Section}:Nats:Servers has '{server}', which is not a server address: use nats://HOST:PORT, and keep credentials in the secret {Section}:Nats:PasswordSecret names.");
            }
        }

        if (nats.Replicas is < 1 or > 5)
        {
            problems.Add($"{Section}:Nats:Replicas is {nats.Replicas}; JetStream supports 1 to 5 (3 tolerates the loss of one server).");
        }

        if (nats.ConnectTimeout <= TimeSpan.Zero || nats.OperationTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:Nats:ConnectTimeout and :OperationTimeout must be positive.");
        }

        if (nats.PingInterval <= TimeSpan.Zero || nats.MaxPingsOut < 1)
        {
            problems.Add($"{Section}:Nats:PingInterval must be positive and {Section}:Nats:MaxPingsOut at least 1 (a lost server is noticed after PingInterval x MaxPingsOut).");
        }
    }
}
