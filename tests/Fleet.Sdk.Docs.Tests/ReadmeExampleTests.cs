using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Fleet.Sdk.Docs.Tests;

/// <summary>
/// Every <c>```csharp</c> block of every package README must compile, as a program with top-level
/// statements, against the Fleet.Sdk assemblies and the Microsoft.Extensions packages they use.
/// Fragments that are not meant to compile use another fence (<c>```text</c>, <c>```json</c>).
/// </summary>
public sealed partial class ReadmeExampleTests
{
    public static TheoryData<string> PackageReadmes()
    {
        var data = new TheoryData<string>();
        foreach (var readme in Directory.EnumerateFiles(Path.Combine(RepoRoot(), "src"), "README.md", SearchOption.AllDirectories).Where(f => !IsTemplateContent(f)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoRoot(), readme));
        }

        return data;
    }

    [Fact]
    public void EveryShippedProject_HasReadmeWithAnExample()
    {
        var projects = Directory.EnumerateFiles(Path.Combine(RepoRoot(), "src"), "*.csproj", SearchOption.AllDirectories).Where(f => !IsTemplateContent(f)).ToList();

        Assert.NotEmpty(projects);
        Assert.All(projects, project =>
        {
            var readme = Path.Combine(Path.GetDirectoryName(project)!, "README.md");
            Assert.True(File.Exists(readme), $"{project} has no README.md");

            // A library shows C# that uses it; a dotnet tool or a template package shows its command line.
            var text = File.ReadAllText(project);
            var isTool = text.Contains("<PackAsTool>true</PackAsTool>", StringComparison.Ordinal) ||
                text.Contains("<FleetProjectKind>Template</FleetProjectKind>", StringComparison.Ordinal);
            if (!isTool)
            {
                Assert.True(CSharpBlocks(File.ReadAllText(readme)).Count > 0, $"{readme} has no ```csharp usage example");
            }
        });
    }

    /// <summary>Whether a file is part of a template package's content (the sources of the projects it creates, not a package).</summary>
    private static bool IsTemplateContent(string file)
    {
        var parts = Path.GetRelativePath(Path.Combine(RepoRoot(), "src"), file).Split(Path.DirectorySeparatorChar);
        if (parts.Length < 3 || parts[1] != "content")
        {
            return false;
        }

        var project = Path.Combine(RepoRoot(), "src", parts[0], parts[0] + ".csproj");
        return File.Exists(project) && File.ReadAllText(project).Contains("<FleetProjectKind>Template</FleetProjectKind>", StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PackageReadmes))]
    public void ReadmeExample_Compiles(string readme)
    {
        var blocks = CSharpBlocks(File.ReadAllText(Path.Combine(RepoRoot(), readme)));

        for (var i = 0; i < blocks.Count; i++)
        {
            var compilation = CSharpCompilation.Create(
                $"ReadmeExample{i}",
                [CSharpSyntaxTree.ParseText(GlobalUsings + blocks[i], new CSharpParseOptions(LanguageVersion.Preview))],
                References.Value,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, $"{readme}, csharp block {i + 1}:\n{string.Join("\n", errors)}");
        }
    }

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;

        """;

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
    {
        // The framework, plus every assembly beside this test (the Fleet.Sdk packages and their dependencies).
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll");
        return trusted.Concat(local)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => MetadataReference.CreateFromFile(g.First()))
            .ToList();
    });

    private static List<string> CSharpBlocks(string markdown) =>
        CSharpFence().Matches(markdown).Select(m => m.Groups["code"].Value).ToList();

    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpFence();

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fleet.Sdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"Fleet.Sdk.sln not found above {AppContext.BaseDirectory}.");
    }
}
