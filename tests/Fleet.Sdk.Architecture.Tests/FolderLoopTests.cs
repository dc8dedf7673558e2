using System.Text;

namespace Fleet.Sdk.Architecture.Tests;

/// <summary>
/// No package has an import loop between its own folders (issue 19): if folder A names a type of
/// folder B, nothing in B may lead back to A. The package root counts as a folder like the others,
/// named "(root)": root files (the errors factory, the package's constants) may be used by every
/// folder, but then they must not use any folder back.
/// </summary>
public sealed class FolderLoopTests
{
    /// <summary>
    /// Loop edges that exist today in packages another change owns. Each entry is a known violation,
    /// not a permission: the test fails when an entry no longer occurs, so the list can only shrink.
    /// </summary>
    private static readonly HashSet<string> KnownViolations = new(StringComparer.Ordinal)
    {
        // Fleet.Sdk.Messaging: the RPC stream of issue 19 removes these loops.
        // Fleet.Sdk.Config: fixed after issue 15's work on the package lands.
        "Fleet.Cli: (root) -> Messaging",
        "Fleet.Cli: Messaging -> (root)",
        "Fleet.Sdk.Config: Configuration -> Documents",
        "Fleet.Sdk.Config: Configuration -> Environment",
        "Fleet.Sdk.Config: Configuration -> Loading",
        "Fleet.Sdk.Config: Configuration -> Schema",
        "Fleet.Sdk.Config: Configuration -> Topology",
        "Fleet.Sdk.Config: Documents -> Loading",
        "Fleet.Sdk.Config: Environment -> Documents",
        "Fleet.Sdk.Config: Environment -> Loading",
        "Fleet.Sdk.Config: Interpolation -> Documents",
        "Fleet.Sdk.Config: Interpolation -> Environment",
        "Fleet.Sdk.Config: Interpolation -> Loading",
        "Fleet.Sdk.Config: Loading -> Configuration",
        "Fleet.Sdk.Config: Loading -> Documents",
        "Fleet.Sdk.Config: Loading -> Environment",
        "Fleet.Sdk.Config: Loading -> Interpolation",
        "Fleet.Sdk.Config: Loading -> Schema",
        "Fleet.Sdk.Config: Loading -> Topology",
        "Fleet.Sdk.Config: Loading -> Validation",
        "Fleet.Sdk.Config: Schema -> Documents",
        "Fleet.Sdk.Config: Schema -> Environment",
        "Fleet.Sdk.Config: Schema -> Loading",
        "Fleet.Sdk.Config: Schema -> Topology",
        "Fleet.Sdk.Config: Schema -> Validation",
        "Fleet.Sdk.Config: Topology -> Documents",
        "Fleet.Sdk.Config: Topology -> Schema",
        "Fleet.Sdk.Config: Validation -> Documents",
        "Fleet.Sdk.Config: Validation -> Schema",
        "Fleet.Sdk.Config: Validation -> Topology",
        "Fleet.Sdk.Messaging: (root) -> Native",
        "Fleet.Sdk.Messaging: (root) -> Rpc",
        "Fleet.Sdk.Messaging: (root) -> Sockets",
        "Fleet.Sdk.Messaging: Bridge -> Events",
        "Fleet.Sdk.Messaging: Curve -> (root)",
        "Fleet.Sdk.Messaging: Curve -> Native",
        "Fleet.Sdk.Messaging: Curve -> Sockets",
        "Fleet.Sdk.Messaging: Events -> Bridge",
        "Fleet.Sdk.Messaging: Native -> (root)",
        "Fleet.Sdk.Messaging: Rpc -> (root)",
        "Fleet.Sdk.Messaging: Rpc -> Curve",
        "Fleet.Sdk.Messaging: Rpc -> Native",
        "Fleet.Sdk.Messaging: Rpc -> Sockets",
        "Fleet.Sdk.Messaging: Sockets -> (root)",
        "Fleet.Sdk.Messaging: Sockets -> Curve",
        "Fleet.Sdk.Messaging: Sockets -> Native",

        // The other packages: removed by the structure stream of issue 19, one package per commit.
        "Fleet.Cli: (root) -> Chaos",
        "Fleet.Cli: (root) -> Config",
        "Fleet.Cli: (root) -> Discovery",
        "Fleet.Cli: (root) -> Gpu",
        "Fleet.Cli: (root) -> Keys",
        "Fleet.Cli: Chaos -> (root)",
        "Fleet.Cli: Config -> (root)",
        "Fleet.Cli: Discovery -> (root)",
        "Fleet.Cli: Gpu -> (root)",
        "Fleet.Cli: Gpu -> Discovery",
        "Fleet.Cli: Keys -> (root)",
        "Fleet.Sdk.Discovery: (root) -> Redis",
        "Fleet.Sdk.Discovery: Diagnostics -> (root)",
        "Fleet.Sdk.Discovery: Diagnostics -> Redis",
        "Fleet.Sdk.Discovery: Diagnostics -> Registration",
        "Fleet.Sdk.Discovery: Diagnostics -> Resolution",
        "Fleet.Sdk.Discovery: InMemory -> Redis",
        "Fleet.Sdk.Discovery: Redis -> Diagnostics",
        "Fleet.Sdk.Discovery: Registration -> (root)",
        "Fleet.Sdk.Discovery: Registration -> Redis",
        "Fleet.Sdk.Discovery: Resolution -> (root)",
        "Fleet.Sdk.Discovery: Resolution -> Diagnostics",
        "Fleet.Sdk.Discovery: Resolution -> InMemory",
        "Fleet.Sdk.Discovery: Resolution -> Static",
        "Fleet.Sdk.Discovery: Static -> InMemory",
        "Fleet.Sdk.Discovery: Static -> Redis",
        "Fleet.Sdk.GpuScheduling: Diagnostics -> Ledger",
        "Fleet.Sdk.GpuScheduling: Diagnostics -> Model",
        "Fleet.Sdk.GpuScheduling: Inventory -> Ledger",
        "Fleet.Sdk.GpuScheduling: Ledger -> Model",
        "Fleet.Sdk.GpuScheduling: Model -> Scheduling",
        "Fleet.Sdk.GpuScheduling: Placement -> Inventory",
        "Fleet.Sdk.GpuScheduling: Placement -> Ledger",
        "Fleet.Sdk.GpuScheduling: Placement -> Model",
        "Fleet.Sdk.GpuScheduling: Scheduling -> Diagnostics",
        "Fleet.Sdk.GpuScheduling: Scheduling -> Inventory",
        "Fleet.Sdk.GpuScheduling: Scheduling -> Ledger",
        "Fleet.Sdk.GpuScheduling: Scheduling -> Model",
        "Fleet.Sdk.GpuScheduling: Scheduling -> Placement",
        "Fleet.Sdk.Hosting: Health -> Lifecycle",
        "Fleet.Sdk.Hosting: Http -> Health",
        "Fleet.Sdk.Hosting: Http -> Lifecycle",
        "Fleet.Sdk.Hosting: Http -> Metrics",
        "Fleet.Sdk.Hosting: Lifecycle -> Http",
        "Fleet.Sdk.Hosting: Lifecycle -> Metrics",
        "Fleet.Sdk.Hosting: Metrics -> Lifecycle",
        "Fleet.Sdk.Logging: Files -> Pipeline",
        "Fleet.Sdk.Logging: Levels -> Pipeline",
        "Fleet.Sdk.Logging: Pipeline -> Files",
        "Fleet.Sdk.Logging: Pipeline -> Levels",
        "Fleet.Sdk.Security: (root) -> AllowList",
        "Fleet.Sdk.Security: (root) -> Certificates",
        "Fleet.Sdk.Security: (root) -> Policy",
        "Fleet.Sdk.Security: (root) -> Secrets",
        "Fleet.Sdk.Security: AllowList -> (root)",
        "Fleet.Sdk.Security: AllowList -> Certificates",
        "Fleet.Sdk.Security: Certificates -> (root)",
        "Fleet.Sdk.Security: Policy -> (root)",
        "Fleet.Sdk.Security: Policy -> Secrets",
        "Fleet.Sdk.Security: Secrets -> (root)",
        "Fleet.Sdk.Security: Secrets -> Policy",
        "Fleet.Sdk.Testing: (root) -> Client",
        "Fleet.Sdk.Testing: (root) -> FaultProxy",
        "Fleet.Sdk.Testing: Client -> (root)",
        "Fleet.Sdk.Testing: Client -> FaultProxy",
        "Fleet.Sdk.Testing: FaultProxy -> (root)",
    };

    public static TheoryData<string> Packages() => new(PackageSources.PackageNames());

    [Theory]
    [MemberData(nameof(Packages))]
    public void Package_FolderGraph_HasNoLoops(string package)
    {
        var graph = new FolderDependencies(PackageSources.Load(package));
        var report = new StringBuilder();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var edge in graph.LoopEdges())
        {
            var key = $"{package}: {edge.From} -> {edge.To}";
            found.Add(key);
            if (KnownViolations.Contains(key))
            {
                continue;
            }

            report.AppendLine(key);
            foreach (var reference in graph.ReferencesOf(edge))
            {
                report.AppendLine($"    {reference}");
            }
        }

        foreach (var stale in KnownViolations.Where(k => k.StartsWith(package + ": ", StringComparison.Ordinal) && !found.Contains(k)))
        {
            report.AppendLine($"{stale} is in KnownViolations but no longer a loop edge: remove it from the list.");
        }

        Assert.True(report.Length == 0, $"Folder loops in {package} (every edge that lies on a loop):{Environment.NewLine}{report}");
    }
}
