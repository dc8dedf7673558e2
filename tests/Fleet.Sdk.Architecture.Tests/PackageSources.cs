using System.Collections.Concurrent;
using System.Reflection;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Fleet.Sdk.Architecture.Tests;

/// <summary>
/// One package under src/ compiled by Roslyn from its own sources, against the assemblies in this
/// test's output (every other package and their dependencies) and the runtime. Source generators do
/// not run, so a [LoggerMessage] partial has no body; the semantic model still binds every name.
/// </summary>
internal sealed class PackageSources
{
    /// <summary>The name of the folder that holds a package's root files.</summary>
    public const string RootFolder = "(root)";

    private static readonly ConcurrentDictionary<string, PackageSources> Cache = new(StringComparer.Ordinal);

    private PackageSources(string name, string directory, CSharpCompilation compilation)
    {
        Name = name;
        Directory = directory;
        Compilation = compilation;
    }

    /// <summary>The package's folder name under src/, e.g. Fleet.Sdk.Discovery.</summary>
    public string Name { get; }

    /// <summary>The package's folder.</summary>
    public string Directory { get; }

    public CSharpCompilation Compilation { get; }

    /// <summary>Every package under src/ that has C# sources of its own (the templates package does not).</summary>
    public static IEnumerable<string> PackageNames() =>
        System.IO.Directory.EnumerateFiles(Path.Combine(RepoRoot(), "src"), "*.csproj", SearchOption.TopDirectoryOnly)
            .Concat(System.IO.Directory.EnumerateDirectories(Path.Combine(RepoRoot(), "src")).SelectMany(d => System.IO.Directory.EnumerateFiles(d, "*.csproj")))
            .Where(p => !File.ReadAllText(p).Contains("<FleetProjectKind>Template</FleetProjectKind>", StringComparison.Ordinal))
            .Select(p => Path.GetFileName(Path.GetDirectoryName(p)!))
            .Order(StringComparer.Ordinal);

    public static PackageSources Load(string name) => Cache.GetOrAdd(name, Create);

    /// <summary>The top-level folder of a source file, or <see cref="RootFolder"/> for a file at the package root.</summary>
    public string FolderOf(string path)
    {
        var relative = Path.GetRelativePath(Directory, path);
        var slash = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
        return slash < 0 ? RootFolder : relative[..slash];
    }

    public string Relative(string path) => Path.GetRelativePath(Path.Combine(RepoRoot(), "src"), path);

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fleet.Sdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"Fleet.Sdk.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>The package's own .cs files, without bin/ and obj/.</summary>
    public static IEnumerable<string> SourceFiles(string directory) =>
        System.IO.Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f =>
            {
                var relative = Path.GetRelativePath(directory, f).Split(Path.DirectorySeparatorChar);
                return relative[0] is not ("bin" or "obj");
            })
            .Order(StringComparer.Ordinal);

    private static PackageSources Create(string name)
    {
        var directory = Path.Combine(RepoRoot(), "src", name);
        var project = XDocument.Load(Path.Combine(directory, name + ".csproj"));
        var assemblyName = project.Descendants("AssemblyName").Select(e => e.Value).FirstOrDefault() ?? name;

        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = SourceFiles(directory)
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parseOptions, f))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings, parseOptions, Path.Combine(directory, "obj", "GlobalUsings.g.cs")))
            .ToList();

        // Every assembly this test can see except the package's own build, whose types the sources declare.
        var references = AllReferences.Value
            .Where(r => !string.Equals(Path.GetFileNameWithoutExtension(r.FilePath), assemblyName, StringComparison.OrdinalIgnoreCase));

        var compilation = CSharpCompilation.Create(
            assemblyName,
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        return new PackageSources(name, directory, compilation);
    }

    private static readonly Lazy<IReadOnlyList<PortableExecutableReference>> AllReferences = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = System.IO.Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll");
        return platform.Concat(local)
            .Where(IsManagedAssembly)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => MetadataReference.CreateFromFile(g.First()))
            .ToList();
    });

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    // The implicit usings of the SDK (Microsoft.NET.Sdk), which every package builds with.
    private const string GlobalUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;
}
