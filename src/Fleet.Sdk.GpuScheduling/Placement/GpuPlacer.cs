namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// Pure placement: best fit over live machines. Variants are tried in order; the first that fits
/// anywhere without eviction wins, on the preferred machine when it fits there, otherwise on the GPU
/// it leaves the least free (best fit, so big cards stay free for big models). Only when no variant
/// fits anywhere is preemption considered: the GPU where the fewest, lowest-priority leases make room.
/// </summary>
internal static class GpuPlacer
{
    public const int MaxCandidates = 5;

    public static PlacementDecision Decide(IReadOnlyList<PlacementGpu> gpus, GpuRequest request)
    {
        var rules = request.Rules ?? new GpuPlacementRules();
        var variants = request.Variants();
        var eligible = gpus.Where(g => Ineligible(g, gpus, rules) is null).ToList();

        foreach (var variant in variants)
        {
            var best = eligible
                .Where(g => g.FreeMib >= variant.VramMib)
                .OrderBy(g => Preferred(g, rules) ? 0 : 1)
                .ThenBy(g => g.FreeMib - variant.VramMib)
                .ThenBy(g => g.Device.Id.Machine, StringComparer.OrdinalIgnoreCase)
                .ThenBy(g => g.Device.Id.Index)
                .FirstOrDefault();
            if (best is not null)
            {
                return new PlacementDecision(PlacementKind.Place, best, variant, [], null, []);
            }
        }

        if (rules.AllowPreemption)
        {
            foreach (var variant in variants)
            {
                var option = eligible
                    .Select(g => (Gpu: g, Victims: Victims(g, variant.VramMib, request.Priority)))
                    .Where(o => o.Victims is not null)
                    .OrderBy(o => o.Victims!.Max(v => v.Priority))
                    .ThenBy(o => o.Victims!.Count)
                    .ThenBy(o => o.Victims!.Sum(v => v.VramMib))
                    .ThenBy(o => Preferred(o.Gpu, rules) ? 0 : 1)
                    .FirstOrDefault();
                if (option.Gpu is not null)
                {
                    return new PlacementDecision(PlacementKind.Preempt, option.Gpu, variant, option.Victims!, null, []);
                }
            }
        }

        return NoFit(gpus, request, rules, variants, eligible.Count);
    }

    private static PlacementDecision NoFit(IReadOnlyList<PlacementGpu> gpus, GpuRequest request, GpuPlacementRules rules, IReadOnlyList<GpuVariant> variants, int eligibleCount)
    {
        var smallest = variants.MinBy(v => v.VramMib)!;
        var candidates = gpus
            .Select(g => (Gpu: g, Problem: Ineligible(g, gpus, rules)))
            .OrderBy(c => c.Problem is null ? 0 : 1)
            .ThenByDescending(c => c.Gpu.FreeMib)
            .Take(MaxCandidates)
            .Select(c => new GpuCandidate(c.Gpu.Device.Id.Machine, c.Gpu.Device.Id.Index, c.Gpu.Device.Name, c.Gpu.FreeMib, c.Problem ?? Shortfall(c.Gpu, smallest, request, rules)))
            .ToList();
        var asked = string.Join(" or ", variants.Select(v => $"{v.VramMib} MiB ({v.Name})"));
        var reason = gpus.Count == 0
            ? $"'{request.Workload}' needs {asked}, and the inventory has no GPU: declare gpus: per machine in the topology, or Fleet:Gpu:Devices."
            : eligibleCount == 0
                ? $"'{request.Workload}' needs {asked}, and none of the {gpus.Count} GPUs is allowed or live (see the candidates)."
                : $"'{request.Workload}' needs {asked}; no eligible GPU has that much free{(rules.AllowPreemption ? " even after evicting every lease of lower priority" : " and preemption is not allowed")}.";
        return new PlacementDecision(PlacementKind.NoFit, null, null, [], reason, candidates);
    }

    private static string Shortfall(PlacementGpu gpu, GpuVariant variant, GpuRequest request, GpuPlacementRules rules)
    {
        var evictable = gpu.Entries.Where(e => e.State == EntryState.Active && e.Priority < request.Priority).Sum(e => e.VramMib);
        var text = $"needs {variant.VramMib} MiB ({variant.Name}), {gpu.FreeMib} free = {gpu.Device.CapacityMib} capacity - {gpu.Device.SafetyMarginMib} margin - {gpu.ReservedMib} reserved by {gpu.Entries.Count} lease(s)";
        return rules.AllowPreemption && evictable > 0 ? $"{text}; evicting lower-priority leases frees only {evictable} MiB more" : text;
    }

    private static string? Ineligible(PlacementGpu gpu, IReadOnlyList<PlacementGpu> all, GpuPlacementRules rules)
    {
        var machine = gpu.Device.Id.Machine;
        if (rules.RequiredMachine is { } required && !string.Equals(required, machine, StringComparison.OrdinalIgnoreCase))
        {
            return $"not the required machine '{required}'";
        }

        if (!gpu.Live)
        {
            return $"machine '{machine}' is not live (no live registration in discovery)";
        }

        if (rules.AvoidWorkloads.Count > 0)
        {
            var clash = all
                .Where(g => string.Equals(g.Device.Id.Machine, machine, StringComparison.OrdinalIgnoreCase))
                .SelectMany(g => g.Entries)
                .FirstOrDefault(e => rules.AvoidWorkloads.Contains(e.Workload, StringComparer.OrdinalIgnoreCase));
            if (clash is not null)
            {
                return $"anti-affinity: '{clash.Workload}' runs on machine '{machine}'";
            }
        }

        return null;
    }

    private static bool Preferred(PlacementGpu gpu, GpuPlacementRules rules) =>
        rules.PreferredMachine is { } preferred && string.Equals(preferred, gpu.Device.Id.Machine, StringComparison.OrdinalIgnoreCase);

    /// <summary>The lowest-priority live leases (largest first within a priority) whose eviction makes room, or <see langword="null"/> when not enough can be evicted.</summary>
    private static List<LedgerEntry>? Victims(PlacementGpu gpu, long needMib, int priority)
    {
        var free = gpu.FreeMib;
        if (needMib > gpu.Device.LeasableMib)
        {
            return null;
        }

        var victims = new List<LedgerEntry>();
        foreach (var entry in gpu.Entries.Where(e => e.State == EntryState.Active && e.Priority < priority).OrderBy(e => e.Priority).ThenByDescending(e => e.VramMib))
        {
            if (free >= needMib)
            {
                break;
            }

            victims.Add(entry);
            free += entry.VramMib;
        }

        return free >= needMib && victims.Count > 0 ? victims : null;
    }
}
