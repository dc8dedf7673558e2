namespace Fleet.Sdk.Testing;

/// <summary>
/// The toxics of one proxy, one chain per direction in insertion order, and the live links they
/// apply to. Every change is applied to the open links at once, under one lock, so a link's stage
/// array always lines up with its chain.
/// </summary>
internal sealed class ToxicCollection
{
    private readonly Lock _gate = new();
    private readonly List<ToxicState> _upstream = [];
    private readonly List<ToxicState> _downstream = [];
    private readonly HashSet<ToxicLink> _links = [];

    /// <summary>Gets every toxic, upstream first, each direction in insertion order.</summary>
    public IReadOnlyList<ToxicState> Snapshot()
    {
        lock (_gate)
        {
            return [.. _upstream, .. _downstream];
        }
    }

    public ToxicState? Find(string name)
    {
        lock (_gate)
        {
            return FindCore(name).Toxic;
        }
    }

    /// <summary>Adds a toxic; <see langword="false"/> when one of that name exists in either direction.</summary>
    public bool TryAdd(ToxicState toxic)
    {
        lock (_gate)
        {
            if (FindCore(toxic.Name).Toxic is not null)
            {
                return false;
            }

            Chain(toxic.Direction).Add(toxic);
            foreach (var link in LinksOf(toxic.Direction))
            {
                var stage = toxic.Kind.CreateStage();
                stage.Configure(toxic, link.Context);
                link.SetStages([.. link.Stages, stage]);
            }

            return true;
        }
    }

    /// <summary>Replaces a toxic by what <paramref name="update"/> makes of it; <see langword="null"/> when absent.</summary>
    public ToxicState? Update(string name, Func<ToxicState, ToxicState> update)
    {
        lock (_gate)
        {
            var (current, index) = FindCore(name);
            if (current is null)
            {
                return null;
            }

            var updated = update(current);
            Chain(current.Direction)[index] = updated;
            foreach (var link in LinksOf(current.Direction))
            {
                var stages = link.Stages;
                stages[index].Configure(updated, link.Context);
                link.SetStages(stages);
            }

            return updated;
        }
    }

    public bool Remove(string name)
    {
        lock (_gate)
        {
            return RemoveCore(name);
        }
    }

    /// <summary>Removes every toxic (what POST /reset does).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var toxic in (ToxicState[])[.. _upstream, .. _downstream])
            {
                RemoveCore(toxic.Name);
            }
        }
    }

    /// <summary>Starts a new link with the current chain of its direction.</summary>
    public void Attach(ToxicLink link)
    {
        lock (_gate)
        {
            var chain = Chain(link.Direction);
            var stages = new ToxicStage[chain.Count];
            for (var i = 0; i < stages.Length; i++)
            {
                stages[i] = chain[i].Kind.CreateStage();
                stages[i].Configure(chain[i], link.Context);
            }

            _links.Add(link);
            link.Start(stages);
        }
    }

    public void Detach(ToxicLink link)
    {
        lock (_gate)
        {
            _links.Remove(link);
        }
    }

    private bool RemoveCore(string name)
    {
        var (toxic, index) = FindCore(name);
        if (toxic is null)
        {
            return false;
        }

        Chain(toxic.Direction).RemoveAt(index);
        foreach (var link in LinksOf(toxic.Direction))
        {
            // Removing flushes what the stage held; removing a timeout closes the link it held.
            var stages = link.Stages;
            var closes = stages[index].ClosesLinkWhenRemoved;
            link.SetStages([.. stages[..index], .. stages[(index + 1)..]], closes ? index : -1);
        }

        return true;
    }

    private List<ToxicState> Chain(ToxicStream direction) => direction == ToxicStream.Upstream ? _upstream : _downstream;

    private IEnumerable<ToxicLink> LinksOf(ToxicStream direction) => _links.Where(l => l.Direction == direction);

    private (ToxicState? Toxic, int Index) FindCore(string name)
    {
        foreach (var chain in (List<ToxicState>[])[_upstream, _downstream])
        {
            var index = chain.FindIndex(t => string.Equals(t.Name, name, StringComparison.Ordinal));
            if (index >= 0)
            {
                return (chain[index], index);
            }
        }

        return (null, -1);
    }
}
