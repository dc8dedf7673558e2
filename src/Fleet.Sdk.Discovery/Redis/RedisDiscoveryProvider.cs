using System.Globalization;
using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Discovery;

/// <summary>The Redis registry: one script call per registration or heartbeat, one per resolution refresh.</summary>
internal sealed partial class RedisDiscoveryProvider : IDiscoveryProvider
{
    private readonly IFleetRedis _redis;
    private readonly DiscoveryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeout;
    private readonly int _pid = Environment.ProcessId;

    public RedisDiscoveryProvider(IFleetRedis redis, DiscoveryMetrics metrics, TimeSpan timeout, ILogger logger)
    {
        _redis = redis;
        _metrics = metrics;
        _timeout = timeout;
        _logger = logger;
    }

    public string Name => "redis";

    public async Task RegisterAsync(ServiceInstance instance, string ownerToken, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ServiceNames.Validate(instance);
        var reply = await EvaluateAsync(
            RedisScripts.Register,
            [InstanceKey(instance.ServiceName, instance.InstanceId), IndexKey(instance.ServiceName), ServicesKey, ChangesChannel],
            [InstanceRecord.Serialize(instance, _pid), ownerToken, ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), instance.ServiceName, instance.InstanceId],
            _timeout,
            cancellationToken).ConfigureAwait(false);
        _metrics.RegistryCall("register");
        ThrowOnConflict(reply, instance.ServiceName, instance.InstanceId);
    }

    public async Task DeregisterAsync(string serviceName, string instanceId, string ownerToken, CancellationToken cancellationToken = default)
    {
        var reply = await EvaluateAsync(
            RedisScripts.Deregister,
            [InstanceKey(serviceName, instanceId), IndexKey(serviceName), ChangesChannel],
            [ownerToken, serviceName, instanceId],
            _timeout,
            cancellationToken).ConfigureAwait(false);
        _metrics.RegistryCall("deregister");
        ThrowOnConflict(reply, serviceName, instanceId);
    }

    public async Task<IReadOnlyList<ServiceInstance>> FetchAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        var reply = await EvaluateAsync(
            RedisScripts.Fetch,
            [IndexKey(serviceName)],
            [$"{_redis.KeyPrefix}instance:{serviceName}:"],
            _timeout,
            cancellationToken).ConfigureAwait(false);
        _metrics.RegistryCall("fetch");
        return Parse(reply, serviceName);
    }

    public async Task<IReadOnlyList<ServiceInstance>> FetchAllAsync(CancellationToken cancellationToken = default)
    {
        var reply = await EvaluateAsync(RedisScripts.FetchAll, [ServicesKey], [_redis.KeyPrefix], _timeout, cancellationToken).ConfigureAwait(false);
        _metrics.RegistryCall("fetch-all");
        return Parse(reply, expectedService: null);
    }

    public IDisposable WatchChanges(Action<string> onServiceChanged) => _redis.Subscribe(ChangesChannel, onServiceChanged);

    /// <summary>Runs a registry script; the coordination engine being unreachable is the registry being unreachable.</summary>
    private async Task<RedisReply> EvaluateAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _redis.EvaluateAsync(script, keys, arguments, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (CoordinationUnavailableException ex)
        {
            throw new DiscoveryUnavailableException(ex.Message, ex);
        }
    }

    private string ServicesKey => _redis.KeyPrefix + "services";

    private string ChangesChannel => _redis.KeyPrefix + "changes";

    private string IndexKey(string service) => $"{_redis.KeyPrefix}service:{service}";

    private string InstanceKey(string service, string id) => $"{_redis.KeyPrefix}instance:{service}:{id}";

    private IReadOnlyList<ServiceInstance> Parse(RedisReply reply, string? expectedService)
    {
        var instances = new List<ServiceInstance>(reply.Items.Count);
        foreach (var item in reply.Items)
        {
            if (!InstanceRecord.TryParse(item.AsText(), out var instance, out var reason))
            {
                _metrics.CorruptEntry();
                LogCorruptEntry(_logger, expectedService ?? "*", reason);
                continue;
            }

            if (expectedService is not null && !string.Equals(instance.ServiceName, expectedService, StringComparison.Ordinal))
            {
                _metrics.CorruptEntry();
                LogCorruptEntry(_logger, expectedService, $"the record names service '{instance.ServiceName}'");
                continue;
            }

            instances.Add(instance);
        }

        return instances;
    }

    private static void ThrowOnConflict(RedisReply reply, string service, string instanceId)
    {
        if (reply.Items.Count >= 4 && reply.Items[0].AsText() == "conflict")
        {
            throw DiscoveryErrors.Conflict(service, instanceId, reply.Items[1].AsText() ?? "?", reply.Items[2].AsText() ?? "?", TimeSpan.FromMilliseconds(Math.Max(0, reply.Items[3].Integer)));
        }
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Skipped a registry entry of '{Service}' that is not a Fleet.Sdk registration: {Reason}.")]
    private static partial void LogCorruptEntry(ILogger logger, string service, string reason);
}
