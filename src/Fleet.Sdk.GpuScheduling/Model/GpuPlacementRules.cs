namespace Fleet.Sdk.GpuScheduling;

/// <summary>Placement rules of a <see cref="GpuRequest"/>.</summary>
public sealed record GpuPlacementRules
{
    /// <summary>Gets the only machine the workload may run on, or <see langword="null"/>.</summary>
    public string? RequiredMachine { get; init; }

    /// <summary>Gets the machine preferred when several fit, or <see langword="null"/>.</summary>
    public string? PreferredMachine { get; init; }

    /// <summary>Gets workloads this one must not share a machine with (anti-affinity).</summary>
    public IReadOnlyList<string> AvoidWorkloads { get; init; } = [];

    /// <summary>Gets a value indicating whether the request may evict lower-priority leases when it fits nowhere.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AllowPreemption { get; init; } = true;
}
