namespace Fleet.Sdk.GpuScheduling;

/// <summary>A lease as the ledger holds it.</summary>
/// <param name="LeaseId">The lease.</param>
/// <param name="Workload">The workload.</param>
/// <param name="Variant">The variant.</param>
/// <param name="Holder">Who holds it (machine, process).</param>
/// <param name="VramMib">The VRAM reserved, in MiB.</param>
/// <param name="Priority">The priority.</param>
/// <param name="State">Live, being revoked, or waiting for a preemption to complete.</param>
/// <param name="FencingToken">The fencing token (0 while pending).</param>
/// <param name="ExpiresAt">When it expires without a renewal (ledger clock).</param>
public sealed record GpuLeaseInfo(string LeaseId, string Workload, string Variant, string Holder, long VramMib, int Priority, GpuLeaseState State, long FencingToken, DateTimeOffset ExpiresAt);
