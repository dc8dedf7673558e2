namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// What a workload asks of a GPU: an amount of VRAM, a priority and placement rules. A request may
/// list fallback variants (for example 14 GiB fp16, else 8 GiB int8); it gets the first one that fits.
/// </summary>
/// <param name="Workload">The workload, for example <c>llama-70b</c>: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>.</param>
/// <param name="VramMib">The VRAM the preferred variant needs, in MiB.</param>
/// <param name="Priority">Higher wins: a request may preempt leases of strictly lower priority. The default is 0.</param>
/// <param name="Rules">Where it may and should go, or <see langword="null"/> for anywhere.</param>
public sealed record GpuRequest(string Workload, long VramMib, int Priority = 0, GpuPlacementRules? Rules = null)
{
    /// <summary>Gets the name of the preferred variant, reported in the lease.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string Variant { get; init; } = "default";

    /// <summary>Gets the fallback variants, tried in order when the preferred variant fits nowhere.</summary>
    public IReadOnlyList<GpuVariant> Fallbacks { get; init; } = [];

    /// <summary>Gets the variants in order of preference: the preferred one first, then the fallbacks.</summary>
    /// <returns>The variants.</returns>
    public IReadOnlyList<GpuVariant> Variants() => [new GpuVariant(Variant, VramMib), .. Fallbacks];
}

/// <summary>One way to run a workload and the VRAM it needs.</summary>
/// <param name="Name">The variant, for example <c>int8</c>.</param>
/// <param name="VramMib">The VRAM it needs, in MiB.</param>
public sealed record GpuVariant(string Name, long VramMib);

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
