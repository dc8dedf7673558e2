using System.Diagnostics.Metrics;

namespace Fleet.Sdk.Events;

/// <summary>The durable streams' instruments, on the <c>Fleet.Sdk.Events</c> meter.</summary>
internal sealed class DurableStreamMetrics
{
    public DurableStreamMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(DurableStreamConstants.MeterName) ?? new Meter(DurableStreamConstants.MeterName);
        Appended = meter.CreateCounter<long>("fleet.events.durable.appended", "{event}", "Events appended to durable streams.");
        AppendRetries = meter.CreateCounter<long>("fleet.events.durable.append_retries", "{retry}", "Appends retried because the coordination engine could not be reached.");
        Delivered = meter.CreateCounter<long>("fleet.events.durable.delivered", "{event}", "Events delivered to a consumer, re-deliveries included.");
        Redelivered = meter.CreateCounter<long>("fleet.events.durable.redelivered", "{event}", "Events taken over from a consumer that did not acknowledge them in time.");
        Acknowledged = meter.CreateCounter<long>("fleet.events.durable.acknowledged", "{event}", "Events acknowledged.");
        AckRefused = meter.CreateCounter<long>("fleet.events.durable.ack_refused", "{event}", "Acknowledgements refused because the event had been handed to another consumer.");
        Trimmed = meter.CreateCounter<long>("fleet.events.durable.trimmed", "{event}", "Delivered, unacknowledged events trimmed from a stream by its length bound: lost.");
    }

    public Counter<long> Appended { get; }

    public Counter<long> AppendRetries { get; }

    public Counter<long> Delivered { get; }

    public Counter<long> Redelivered { get; }

    public Counter<long> Acknowledged { get; }

    public Counter<long> AckRefused { get; }

    public Counter<long> Trimmed { get; }
}
