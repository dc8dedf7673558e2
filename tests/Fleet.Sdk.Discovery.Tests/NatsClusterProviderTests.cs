namespace Fleet.Sdk.Discovery.Tests;

/// <summary>The NATS registry on a real three-node cluster (bucket with 3 replicas): the owner rule under races on every node.</summary>
[Collection(NatsClusterCollection.Name)]
public sealed class NatsClusterProviderTests(NatsClusterFixture nats)
{
    /// <summary>
    /// Regression: nats-server before 2.9.21 checks a put's expected revision only on the bucket's leader before
    /// replication, so two puts read from the same revision could both be acknowledged, and two owners both believed
    /// they held one registration.
    /// </summary>
    [RequiresNatsServerFact]
    public async Task RegisterAsync_TwelveOwnersRaceOnEveryNodeOfThreeReplicas_ExactlyOneHoldsEachRegistration()
    {
        var fleet = "r" + Guid.NewGuid().ToString("N")[..12];
        var writers = new List<NatsRegistry>();
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var machine = nats.Cluster.Machines[i % 3];
                writers.Add(new NatsRegistry(nats.Cluster[machine].Url, fleetName: fleet));
            }

            // The bucket exists before the race, so the race is on the key alone.
            await writers[0].Provider.RegisterAsync(Instance("warm-up", "w"), "o-w", TimeSpan.FromMinutes(1));
            for (var round = 0; round < 5; round++)
            {
                var id = $"same-{round}";
                var won = await Task.WhenAll(writers.Select(async (writer, i) =>
                {
                    try
                    {
                        await writer.Provider.RegisterAsync(Instance(id, $"m{i}"), $"owner-{i}", TimeSpan.FromMinutes(1));
                        return true;
                    }
                    catch (RegistrationConflictException)
                    {
                        return false;
                    }
                }));

                Assert.Equal(1, won.Count(w => w));
                var holder = Assert.Single(await writers[0].Provider.FetchAsync("Svc"), h => h.InstanceId == id);
                Assert.Equal($"m{Array.IndexOf(won, true)}", holder.Machine);
            }
        }
        finally
        {
            foreach (var writer in writers)
            {
                await writer.DisposeAsync();
            }
        }
    }

    private static ServiceInstance Instance(string id, string machine) => new()
    {
        ServiceName = "Svc",
        InstanceId = id,
        Machine = machine,
        Endpoints = new Dictionary<string, string> { ["rpc"] = "tcp://10.0.0.5:7200" },
    };
}
