using Fleet.Sdk.Coordination;

namespace Fleet.Sdk.Events;

/// <summary>Picks the durable stream backend of the process's coordination engine.</summary>
internal static class DurableStreamBackends
{
    /// <summary>Redis Streams for <see cref="IFleetRedis"/>, JetStream for <see cref="IFleetNats"/>, this process for the in-process engine.</summary>
    public static IDurableStreamBackend Create(IFleetCoordination coordination, DurableStreamOptions options, TimeProvider time, Microsoft.Extensions.Logging.ILogger logger) => coordination switch
    {
        IFleetRedis redis => new RedisStreamBackend(redis, options, time),
        IFleetNats nats => new NatsStreamBackend(nats, options, time, logger),
        _ when coordination.Engine == CoordinationEngine.InProcess => InProcessStreamStore.For(coordination.KeyPrefix, options, time),
        _ => throw new ArgumentException($"Durable streams do not support the coordination engine {coordination.Engine} ({coordination.GetType().Name}); set Fleet:Coordination:Engine to InProcess, Redis or Nats.", nameof(coordination)),
    };
}
