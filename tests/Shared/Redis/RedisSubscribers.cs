using Fleet.Sdk.Testing;
using StackExchange.Redis;

namespace Fleet.Sdk.Tests;

/// <summary>Reads who listens on a Redis channel, for tests that must not publish before a subscription is in place.</summary>
internal static class RedisSubscribers
{
    /// <summary>
    /// Polls <c>PUBSUB NUMSUB</c> on every one of <paramref name="servers"/> (a subscription may sit on a replica) until
    /// <paramref name="channel"/> has a subscriber, and fails the test when none has one by the deadline.
    /// </summary>
    public static async Task WaitForSubscriberAsync(IEnumerable<RedisServer> servers, string channel, TimeSpan timeout)
    {
        var connections = new List<ConnectionMultiplexer>();
        try
        {
            foreach (var server in servers)
            {
                connections.Add(await ConnectionMultiplexer.ConnectAsync(server.ConnectionString));
            }

            var subscribed = await Poll.UntilAsync(
                async () =>
                {
                    long count = 0;
                    foreach (var connection in connections)
                    {
                        count += await connection.GetServer(connection.GetEndPoints()[0]).SubscriptionSubscriberCountAsync(RedisChannel.Literal(channel));
                    }

                    return count > 0;
                },
                timeout);
            Assert.True(subscribed, $"nothing subscribed to the Redis channel '{channel}' within {timeout.TotalSeconds:0} s");
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
