using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Fleet.Sdk.Architecture.Tests;

/// <summary>
/// The dependency graph between the top-level folders of one package: folder A depends on folder B
/// when a .cs file in A names a type declared in B (its name, a member of it, an extension method
/// it declares). Files at the package root form the folder <see cref="PackageSources.RootFolder"/>,
/// a folder like the others.
/// </summary>
internal sealed class FolderDependencies
{
    private readonly Dictionary<string, HashSet<string>> _edges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), List<string>> _references = [];

    public FolderDependencies(PackageSources package)
    {
        foreach (var tree in package.Compilation.SyntaxTrees.Where(t => !t.FilePath.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var model = package.Compilation.GetSemanticModel(tree);
            var from = package.FolderOf(tree.FilePath);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var info = model.GetSymbolInfo(name);
                var type = DeclaringType(info.Symbol ?? info.CandidateSymbols.FirstOrDefault());
                if (type is null)
                {
                    continue;
                }

                var folders = type.Locations
                    .Where(l => l.IsInSource && package.Compilation.ContainsSyntaxTree(l.SourceTree!))
                    .Select(l => package.FolderOf(l.SourceTree!.FilePath))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                if (folders.Count == 0 || folders.Contains(from, StringComparer.Ordinal))
                {
                    continue;
                }

                var line = name.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                foreach (var to in folders)
                {
                    Add(from, to, $"{package.Relative(tree.FilePath)}:{line} names {type.Name}");
                }
            }
        }
    }

    /// <summary>Every edge that lies on a loop: both ends in one strongly connected component.</summary>
    public IReadOnlyList<(string From, string To)> LoopEdges()
    {
        var components = StronglyConnectedComponents();
        return _references.Keys
            .Where(e => components[e.From] == components[e.To])
            .OrderBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The references that make an edge, "file:line names Type", first few only.</summary>
    public IReadOnlyList<string> ReferencesOf((string From, string To) edge) => _references[edge];

    private void Add(string from, string to, string reference)
    {
        if (!_edges.TryGetValue(from, out var targets))
        {
            _edges[from] = targets = new HashSet<string>(StringComparer.Ordinal);
        }

        targets.Add(to);
        _edges.TryAdd(to, new HashSet<string>(StringComparer.Ordinal));
        if (!_references.TryGetValue((from, to), out var list))
        {
            _references[(from, to)] = list = [];
        }

        if (!list.Contains(reference, StringComparer.Ordinal))
        {
            list.Add(reference);
        }
    }

    private static INamedTypeSymbol? DeclaringType(ISymbol? symbol) => symbol switch
    {
        INamedTypeSymbol type => type.OriginalDefinition,
        IMethodSymbol { MethodKind: MethodKind.ReducedExtension } method => method.ReducedFrom!.ContainingType?.OriginalDefinition,
        IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol => symbol.ContainingType?.OriginalDefinition,
        _ => null,
    };

    // Tarjan's algorithm; returns the component index of every folder.
    private Dictionary<string, int> StronglyConnectedComponents()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var component = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var next = 0;
        var components = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in _edges[v])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component[w] = components;
                }
                while (w != v);
                components++;
            }
        }

        foreach (var v in _edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return component;
    }
}
