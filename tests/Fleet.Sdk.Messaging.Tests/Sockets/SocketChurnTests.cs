namespace Fleet.Sdk.Messaging.Tests.Sockets;

/// <summary>Counts file descriptors, so it runs alone: other tests open and close sockets too.</summary>
[CollectionDefinition(nameof(FileDescriptorSensitive), DisableParallelization = true)]
public sealed class FileDescriptorSensitive;

[Collection(nameof(FileDescriptorSensitive))]
public sealed class SocketChurnTests
{
    /// <summary>The server socket, its connections and listener opened by this test, which close at the end.</summary>
    private const int Slack = 8;

    [Fact]
    public async Task CreateSocket_TenThousandOpenedAndClosed_NativeHandleCountStaysFlat()
    {
        using var context = new ZmqContext();
        using (var warmup = context.CreateSocket(ZmqSocketType.Dealer))
        {
            warmup.Bind("tcp://127.0.0.1:*");
        }

        Assert.True(await Eventually.TrueAsync(() => context.SocketCount == 0));
        var baseline = OpenDescriptors();
        var before = DescriptorTargets();
        using var server = context.CreateSocket(ZmqSocketType.Router);
        var endpoint = server.Bind("tcp://127.0.0.1:*");
        var types = new[] { ZmqSocketType.Dealer, ZmqSocketType.Req, ZmqSocketType.Pub, ZmqSocketType.Sub, ZmqSocketType.Push, ZmqSocketType.Pull, ZmqSocketType.XPub, ZmqSocketType.XSub };

        for (var batch = 0; batch < 20; batch++)
        {
            for (var i = batch * 500; i < (batch + 1) * 500; i++)
            {
                using var socket = context.CreateSocket(types[i % types.Length]);
                switch (i % 10)
                {
                    case 0:
                        socket.Bind("tcp://127.0.0.1:*");
                        break;
                    case 1 when socket.Type is ZmqSocketType.Dealer or ZmqSocketType.Req:
                        socket.Connect(endpoint);
                        break;
                    case 2:
                        socket.Bind($"inproc://churn-{i}");
                        break;
                }
            }

            // libzmq's reaper closes descriptors asynchronously: after each batch the count must come
            // back down (flat), not climb batch after batch (a leak). Poll, never sleep blindly.
            Assert.True(await Eventually.TrueAsync(() => OpenDescriptors() <= baseline + Slack, TimeSpan.FromSeconds(20)),
                $"after {(batch + 1) * 500} sockets: baseline {baseline}, now {OpenDescriptors()}");
        }

        server.Dispose();

        // libzmq's reaper thread closes descriptors asynchronously: wait for it, never sleep blindly.
        Assert.True(await Eventually.TrueAsync(() => OpenDescriptors() <= baseline, TimeSpan.FromSeconds(20)),
            $"descriptors: baseline {baseline}, now {OpenDescriptors()}; opened since: {string.Join(", ", DescriptorTargets().Except(before))}");
        Assert.Equal(0, context.SocketCount);
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>"fd -> target" of every open descriptor (socket:[inode], anon_inode:[eventfd], pipe:[inode]...), to name a leak.</summary>
    private static HashSet<string> DescriptorTargets()
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                targets.Add($"{Path.GetFileName(path)} -> {new FileInfo(path).LinkTarget}");
            }
            catch (IOException)
            {
                // Closed between the listing and the read (the listing's own descriptor, for one).
            }
        }

        return targets;
    }
}
