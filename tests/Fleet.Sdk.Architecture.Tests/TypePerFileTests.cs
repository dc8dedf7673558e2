using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Fleet.Sdk.Architecture.Tests;

/// <summary>
/// One type per file, named for its type (issue 19). A file declares at most one top-level type
/// (class, struct, record, interface, enum or delegate); nested types and the parts of a partial
/// type are fine. The file is named for the type: Foo.cs, or Foo.Something.cs for a part of a partial
/// Foo (Foo.Log.cs holds its [LoggerMessage] methods). A generic Foo&lt;T&gt; lives in Foo.cs too.
/// </summary>
public sealed class TypePerFileTests
{
    /// <summary>
    /// Files that break the rule today and are still to be split (the rest of Fleet.Sdk.Messaging,
    /// Fleet.Sdk.Config and Fleet.Cli/Config). A known
    /// violation, not a permission: the test fails when an entry is fixed, so the list only shrinks.
    /// </summary>
    private static readonly HashSet<string> KnownViolations = new(StringComparer.Ordinal)
    {
        "Fleet.Cli/Config/ConfigInputs.cs",
        "Fleet.Sdk.Config/DependencyInjection/FleetConfigurationOptions.cs",
        "Fleet.Sdk.Config/DependencyInjection/FleetTopologyOptionsSetup.cs",
        "Fleet.Sdk.Config/Documents/FleetValue.cs",
        "Fleet.Sdk.Config/Documents/SourceText.cs",
        "Fleet.Sdk.Config/Environment/DotEnvFile.cs",
        "Fleet.Sdk.Config/Interpolation/FleetInterpolationProblem.cs",
        "Fleet.Sdk.Config/Interpolation/InterpolationParser.cs",
        "Fleet.Sdk.Config/Loading/FleetConfigurationException.cs",
        "Fleet.Sdk.Config/Loading/FleetTopologyLoadOptions.cs",
        "Fleet.Sdk.Config/Loading/FleetTopologyLoader.cs",
        "Fleet.Sdk.Config/Migration/FleetTopologyMigrator.cs",
        "Fleet.Sdk.Config/Schema/FleetTopologySchema.cs",
        "Fleet.Sdk.Config/Schema/TopologySourceDocument.cs",
        "Fleet.Sdk.Config/Topology/FleetTopology.cs",
        "Fleet.Sdk.Config/Validation/FleetDiagnostic.cs",
        "Fleet.Sdk.Messaging/Events/EventOptions.cs",
    };

    public static TheoryData<string> Packages() => new(PackageSources.PackageNames());

    [Theory]
    [MemberData(nameof(Packages))]
    public void EverySourceFile_DeclaresOneTypeNamedForTheFile(string package)
    {
        var directory = Path.Combine(PackageSources.RepoRoot(), "src", package);
        var problems = new List<string>();
        foreach (var file in PackageSources.SourceFiles(directory))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file), new CSharpParseOptions(LanguageVersion.Preview)).GetRoot();
            var names = root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
                .Select(n => n switch
                {
                    BaseTypeDeclarationSyntax type => type.Identifier.Text,
                    DelegateDeclarationSyntax @delegate => @delegate.Identifier.Text,
                    _ => null,
                })
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .ToList();

            var relative = Path.GetRelativePath(Path.Combine(PackageSources.RepoRoot(), "src"), file);
            var expected = Path.GetFileName(file).Split('.')[0];
            var broken = names.Count > 1 || (names.Count == 1 && names[0] != expected);
            if (KnownViolations.Contains(relative))
            {
                if (!broken)
                {
                    problems.Add($"{relative} is in KnownViolations but now follows the rule: remove it from the list.");
                }

                continue;
            }

            if (names.Count > 1)
            {
                problems.Add($"{relative} declares {names.Count} top-level types ({string.Join(", ", names)}): move each into its own file named for it.");
            }
            else if (names.Count == 1 && names[0] != expected)
            {
                problems.Add($"{relative} declares {names[0]}: rename the file {names[0]}.cs (or {names[0]}.Part.cs for a partial part).");
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} file(s) in {package} break one type per file:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }
}
