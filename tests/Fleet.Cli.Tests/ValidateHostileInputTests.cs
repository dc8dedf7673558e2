using System.Diagnostics;
using System.Text.Json;

namespace Fleet.Cli.Tests;

/// <summary>
/// <c>fleet config validate</c> on the hostile files of issue 15: each gives a clean, located error
/// with the documented exit code, never a stack trace, and honours <c>--format json</c>.
/// </summary>
public sealed class ValidateHostileInputTests
{
    private const string Header = "version: 1\nmachines:\n  m1: {}\nagents:\n  A: { machine: m1, port: 7000 }\n";

    private static async Task<CliResult> Validate(params string[] files) =>
        await CliRunner.RunAsync(["config", "validate", "--ignore-environment", .. files]);

    private static void AssertNoStackTrace(CliResult result)
    {
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Output + result.Error, StringComparison.Ordinal);
    }

    /// <summary>The repros of issue 15 item 3 that crashed with exit 134: each is now a load error at its line.</summary>
    [Theory]
    [InlineData("fleet.yaml", "version: 1\nsettings:\n  Logging: { a: 1 }\n  logging: { b: 2 }\nmachines:\n  m1: {}\nagents:\n  A: { machine: m1, port: 7000 }\n",
        ":4:3: duplicate key 'logging' in 'settings' (first at line 3 as 'Logging')")]
    [InlineData("fleet.yaml", "version: 1\nmachines:\n  m1: {}\n  M1: {}\nagents:\n  A: { machine: m1, port: 7000 }\n",
        ":4:3: duplicate key 'M1' in 'machines'")]
    [InlineData("fleet.json", "{\"version\": 1,\n \"machines\": {\"m1\": {}},\n \"agents\": {\"\\ud800\": {\"machine\": \"m1\"}}}",
        ":3:13: malformed JSON: Cannot read incomplete UTF-16 JSON text")]
    [InlineData("fleet.yaml", "    : {{\ns", ":1:6: malformed YAML")]
    public async Task Validate_InputThatCrashedTheValidator_ExitsTwoWithLocatedError(string name, string content, string expected)
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile(name, content);

        var result = await Validate(path);

        AssertNoStackTrace(result);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(path + expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SymlinkToDevZero_ExitsTwoRefusingANonRegularFile()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("fleet.yaml");
        File.CreateSymbolicLink(path, "/dev/zero");

        var result = await Validate(path);

        AssertNoStackTrace(result);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"{path}: is not a regular file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Fifo_ExitsTwoWithoutOpeningIt()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("fleet.yaml");
        using (var mkfifo = Process.Start("mkfifo", [path]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // On a thread of its own: a reader that opens the FIFO blocks in the call itself, before any await.
        var run = Task.Run(() => Validate(path));
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(run, finished);
        var result = await run;
        AssertNoStackTrace(result);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"{path}: is not a regular file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_FileOverTheSizeLimit_ExitsTwoNamingTheLimit()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("fleet.yaml", Header + "# " + new string('x', 17 * 1024 * 1024) + "\n");

        var result = await Validate(path);

        AssertNoStackTrace(result);
        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"{path}: is larger than 16 MiB", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_DirectoryWithoutTopologyAsJson_PrintsJsonLoadError()
    {
        using var temp = new TempDirectory();

        var result = await CliRunner.RunAsync("config", "validate", "--ignore-environment", "--format", "json", temp.Path);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        var error = Assert.Single(json.RootElement.GetProperty("loadErrors").EnumerateArray());
        Assert.Equal(temp.Path, error.GetProperty("file").GetString());
        Assert.Contains("holds no topology file", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AnsiEscapeAndNewlineInAgentName_PrintsThemEscaped()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("fleet.yaml",
            "version: 1\nmachines:\n  m1: {}\nagents:\n  \"X\\e[31m\\nerror FLEET999 forged\":\n    machine: m1\n    port: 7000\n    dependencies: [Nobody]\n");

        var result = await Validate(path);

        Assert.Equal(ExitCodes.Problems, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Output);
        Assert.DoesNotContain("\nerror FLEET999", result.Output, StringComparison.Ordinal);
        Assert.Contains("X\\e[31m\\nerror FLEET999 forged", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AnsiEscapeInLoadError_PrintsItEscaped()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("fleet.yaml", "version: 1\nmachines:\n  m1: {}\n  \"\\e[2J\\rM1\": {}\n  \"\\e[2J\\rm1\": {}\nagents: {}\n");

        var result = await Validate(path);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Error);
        Assert.DoesNotContain('\r', result.Error);
        Assert.Contains("\\e[2J\\r", result.Error, StringComparison.Ordinal);
    }
}
