using System.Globalization;
using System.Text;

namespace Fleet.Sdk.Config.Tests.Fuzzing;

/// <summary>
/// Runs one hostile input through a topology reader: it must end within <see cref="TimeBound"/> with a
/// result or a clear error (a <see cref="FleetConfigurationException"/> or problems), and nothing else.
/// </summary>
internal static class FuzzInput
{
    /// <summary>How many generated cases each property runs: FLEET_FUZZ_CASES, else a number CI runs in a few seconds.</summary>
    public static int Cases { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("FLEET_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out var cases) && cases > 0
            ? cases
            : 100;

    /// <summary>The longest one input may take: generous for a busy 2-core machine; a quadratic path over the corpus takes far longer.</summary>
    public static TimeSpan TimeBound { get; } = TimeSpan.FromSeconds(20);

    public static string CorpusDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", "config");

    /// <summary>Loads <paramref name="files"/> as <c>fleet config validate</c> does; returns the outcome's description.</summary>
    public static string Load(IReadOnlyList<string> files, IReadOnlyList<string>? envFiles = null) => Bounded(string.Join(", ", files), () =>
    {
        var options = new FleetTopologyLoadOptions { Environment = new DictionaryEnvironmentVariables(), LoadDotEnv = false };
        options.AddFiles([.. files]);
        foreach (var envFile in envFiles ?? [])
        {
            options.EnvFiles.Add(envFile);
        }

        try
        {
            var result = FleetTopologyLoader.Load(options);
            AssertPrintable(result.Diagnostics.Select(d => d.ToString()));
            return $"loaded, {result.Diagnostics.Count} diagnostics";
        }
        catch (FleetConfigurationException ex)
        {
            Assert.NotEmpty(ex.Errors.Count > 0 ? ex.Errors.Select(e => e.Message) : ex.Diagnostics.Select(d => d.Message));
            AssertPrintable(ex.Errors.Select(e => e.ToString()).Concat(ex.Diagnostics.Select(d => d.ToString())));
            Assert.DoesNotContain(ex.Errors, e => e.Location.IsUnknown);
            return "refused: " + ex.Message;
        }
    });

    /// <summary>Interpolates <paramref name="text"/>: a value, or problems of which one is an error.</summary>
    public static string Interpolate(string text) => Bounded("interpolation", () =>
    {
        var result = new FleetInterpolator(new DictionaryEnvironmentVariables([new("A", "1"), new("B", "two")])).Interpolate(text);
        Assert.True(result.Value is not null || result.Problems.Any(p => p.IsError), $"no value and no error for '{text}'");
        return result.Value ?? "problems";
    });

    /// <summary>Parses a .env text: its entries, or a <see cref="FleetConfigurationException"/> listing each bad line.</summary>
    public static string ParseDotEnv(string text) => Bounded(".env", () =>
    {
        try
        {
            return $"{DotEnvFile.Parse("fuzz.env", text).Entries.Count} entries";
        }
        catch (FleetConfigurationException ex)
        {
            Assert.NotEmpty(ex.Errors);
            return "refused";
        }
    });

    /// <summary>Writes <paramref name="bytes"/> to a file named <paramref name="name"/> in a folder of its own and loads it.</summary>
    public static string LoadBytes(string name, byte[] bytes)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine(name);
        File.WriteAllBytes(path, bytes);
        return Load([path]);
    }

    public static string LoadText(string name, string text) => LoadBytes(name, Encoding.UTF8.GetBytes(text));

    private static void AssertPrintable(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            // Only the structural newlines of a diagnostic (before "    at" and "    fix:") may break a line.
            Assert.DoesNotContain(line.Split('\n'), part => part.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u202e'));
        }
    }

    private static string Bounded(string what, Func<string> run)
    {
        var task = Task.Run(run);
        if (!task.Wait(TimeBound))
        {
            Assert.Fail($"{what} did not finish within {TimeBound.TotalSeconds} s");
        }

        return task.GetAwaiter().GetResult();
    }
}
