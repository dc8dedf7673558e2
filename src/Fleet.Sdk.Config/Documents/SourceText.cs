namespace Fleet.Sdk.Config;

/// <summary>The text of one file, with a line index to turn character offsets into locations.</summary>
internal sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string path, string text)
    {
        Path = path;
        Text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];
    }

    public string Path { get; }

    public string Text { get; }

    public SourceLocation LocationAt(int index)
    {
        index = Math.Clamp(index, 0, Text.Length);
        var line = Array.BinarySearch(_lineStarts, index);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return new SourceLocation(Path, line + 1, index - _lineStarts[line] + 1);
    }
}

/// <summary>The span of source text a scalar was read from, to locate text inside its value.</summary>
internal sealed class RawSpan(SourceText source, int start, int end)
{
    private List<int>? _positions;
    private string? _positionsToken;

    public SourceText Source { get; } = source;

    public int Start { get; } = start;

    public int End { get; } = end;

    /// <summary>
    /// Finds where the <paramref name="occurrence"/>-th (0-based) <paramref name="token"/> of the
    /// value is written in the source; quoting and escapes do not create or remove the token, so the
    /// n-th one in the value is the n-th one in the source.
    /// </summary>
    public SourceLocation? Locate(string token, int occurrence)
    {
        var positions = Positions(token);
        return occurrence >= 0 && occurrence < positions.Count ? Source.LocationAt(positions[occurrence]) : null;
    }

    /// <summary>Where each <paramref name="token"/> of the span starts, found once per token (a value may hold thousands).</summary>
    private List<int> Positions(string token)
    {
        if (_positions is { } cached && string.Equals(_positionsToken, token, StringComparison.Ordinal))
        {
            return cached;
        }

        var positions = new List<int>();
        var end = Math.Min(End, Source.Text.Length);
        var index = Start;
        while ((index = Source.Text.IndexOf(token, index, Math.Max(0, end - index), StringComparison.Ordinal)) >= 0)
        {
            positions.Add(index);
            index += token.Length;
        }

        (_positions, _positionsToken) = (positions, token);
        return positions;
    }
}
