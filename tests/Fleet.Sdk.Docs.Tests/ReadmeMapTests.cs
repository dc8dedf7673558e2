using System.Text.RegularExpressions;

namespace Fleet.Sdk.Docs.Tests;

/// <summary>
/// Every package README starts with a five-line "Where things are" map of its folders, right after
/// its first paragraph. The map names folders, not files, so types can move between files; a folder
/// added, renamed or removed fails here until the map says so.
/// </summary>
public sealed partial class ReadmeMapTests
{
    private const string MapStart = "Where things are";

    // Fleet.Sdk.Config's README is being finished by issue 15; its map follows when that lands.
    private static readonly string[] NotYetMapped = ["Fleet.Sdk.Config"];

    public static TheoryData<string> Packages()
    {
        var data = new TheoryData<string>();
        var src = Path.Combine(ReadmeExampleTests.RepoRoot(), "src");
        foreach (var project in Directory.EnumerateDirectories(src)
                     .Select(Path.GetFileName)
                     .Where(name => File.Exists(Path.Combine(src, name!, name + ".csproj")) && !NotYetMapped.Contains(name))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(project!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Readme_StartsWithFiveLineMapNamingEveryFolder(string package)
    {
        var directory = Path.Combine(ReadmeExampleTests.RepoRoot(), "src", package);
        var lines = File.ReadAllLines(Path.Combine(directory, "README.md"));

        var firstParagraphEnd = Array.FindIndex(lines, 2, string.IsNullOrWhiteSpace);
        Assert.True(firstParagraphEnd > 0 && firstParagraphEnd + 1 < lines.Length, $"{package}/README.md: no first paragraph");
        var start = firstParagraphEnd + 1;
        Assert.True(lines[start].StartsWith(MapStart, StringComparison.Ordinal), $"{package}/README.md: line {start + 1} should start the map with '{MapStart}' right after the first paragraph");
        var map = lines.Skip(start).TakeWhile(l => !string.IsNullOrWhiteSpace(l)).ToList();
        Assert.True(map.Count == 5, $"{package}/README.md: the map has {map.Count} lines; it should have five");

        var named = FolderName().Matches(string.Join('\n', map)).Select(m => m.Groups["path"].Value.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var folders = Directory.EnumerateDirectories(directory)
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj") && !name!.StartsWith('.'))
            .ToList();
        foreach (var folder in folders)
        {
            Assert.True(named.Any(n => n == folder || n.StartsWith(folder + "/", StringComparison.Ordinal)), $"{package}/README.md: the map does not name the folder {folder}/");
        }

        foreach (var name in named)
        {
            var exists = Directory.Exists(Path.Combine(directory, name)) ||
                Directory.EnumerateDirectories(directory, Path.GetFileName(name), SearchOption.AllDirectories).Any(d => !d.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !d.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
            Assert.True(exists, $"{package}/README.md: the map names {name}/, which does not exist");
        }
    }

    // `Folder/` or `a/b/` in backticks, optionally with a leading src/Package/ (the lead-in line names the package folder).
    [GeneratedRegex(@"`(?!src/)(?<path>[A-Za-z.][A-Za-z0-9._/-]*/)`")]
    private static partial Regex FolderName();
}
