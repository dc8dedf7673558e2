namespace Fleet.Cli;

/// <summary>Plain aligned columns: readable in a terminal, greppable in a pipe.</summary>
internal static class TextTable
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        await output.WriteLineAsync(Line(headers, widths)).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await output.WriteLineAsync(Line(row, widths)).ConfigureAwait(false);
        }
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
