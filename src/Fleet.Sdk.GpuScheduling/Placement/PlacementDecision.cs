namespace Fleet.Sdk.GpuScheduling;

/// <summary>Where a request goes: a GPU and variant (evicting <see cref="Victims"/> first for a preemption), or why nowhere.</summary>
internal sealed record PlacementDecision(PlacementKind Kind, PlacementGpu? Gpu, GpuVariant? Variant, IReadOnlyList<LedgerEntry> Victims, string? Reason, IReadOnlyList<GpuCandidate> Candidates);
