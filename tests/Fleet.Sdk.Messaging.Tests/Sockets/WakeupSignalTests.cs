using System.Collections.Concurrent;

namespace Fleet.Sdk.Messaging.Tests.Sockets;

public sealed class WakeupSignalTests
{
    [Fact]
    public async Task Set_ManyProducersRacingTheOwner_EveryItemConsumed()
    {
        // The lost wake-up once found here (Reset clearing its flag before draining the signal) is
        // too narrow a window to hit reliably in this test; AgentRpcClientTests'
        // CallAsync_ManyConcurrentCallers_EachGetsItsOwnReply caught it every time.
        using var context = new ZmqContext();
        using var signal = new WakeupSignal(context);
        var queue = new ConcurrentQueue<int>();
        const int Producers = 8, PerProducer = 5_000;
        var consumed = 0;
        var consumer = Task.Factory.StartNew(
            () =>
            {
                while (consumed < Producers * PerProducer)
                {
                    if (!signal.Receiver.Poll(ZmqPollEvents.In, TimeSpan.FromSeconds(5)))
                    {
                        return false;
                    }

                    signal.Reset();
                    while (queue.TryDequeue(out _))
                    {
                        consumed++;
                    }
                }

                return true;
            },
            TaskCreationOptions.LongRunning);

        await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                queue.Enqueue(i);
                signal.Set();
            }
        })));

        Assert.True(await consumer.WaitAsync(TimeSpan.FromSeconds(30)), $"the owner stopped being woken after {consumed} items");
        Assert.Equal(Producers * PerProducer, consumed);
    }
}
