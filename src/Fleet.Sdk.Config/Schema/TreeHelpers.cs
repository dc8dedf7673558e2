namespace Fleet.Sdk.Config;

/// <summary>Small helpers to read and build <see cref="FleetValue"/> trees.</summary>
internal static class TreeHelpers
{
    public static FleetScalar Synthetic(string? value, SourceLocation location) =>
        new(value, FleetScalarStyle.Quoted, location);

    public static FleetScalar SyntheticPlain(string value, SourceLocation location) =>
        new(value, FleetScalarStyle.Plain, location);

    public static FleetValue? Get(FleetMapping mapping, string knownKey)
    {
        foreach (var entry in mapping.Entries)
        {
            if (Keys.Match(entry.Key, knownKey))
            {
                return entry.Value;
            }
        }

        return null;
    }

    public static FleetMappingEntry? GetEntry(FleetMapping mapping, string knownKey)
    {
        foreach (var entry in mapping.Entries)
        {
            if (Keys.Match(entry.Key, knownKey))
            {
                return entry;
            }
        }

        return null;
    }

    public static string? ScalarText(FleetValue? value) => value is FleetScalar scalar ? scalar.Value : null;

    /// <summary>Reports keys written twice in one mapping, everywhere except the mappings <paramref name="skip"/> accepts.</summary>
    public static void CheckDuplicateKeys(FleetValue value, string path, Func<string, bool> skip, List<FleetConfigurationError> errors)
    {
        switch (value)
        {
            case FleetMapping mapping:
                if (!skip(path))
                {
                    var seen = new Dictionary<string, FleetMappingEntry>(StringComparer.Ordinal);
                    foreach (var entry in mapping.Entries)
                    {
                        if (!seen.TryAdd(entry.Key, entry))
                        {
                            errors.Add(new FleetConfigurationError(entry.KeyLocation,
                                $"duplicate key '{entry.Key}' in '{(path.Length == 0 ? "(root)" : path)}' (first at line {seen[entry.Key].KeyLocation.Line}): " +
                                "a mapping holds each key once; remove or rename one."));
                        }
                    }
                }

                foreach (var entry in mapping.Entries)
                {
                    CheckDuplicateKeys(entry.Value, path.Length == 0 ? entry.Key : path + "." + entry.Key, skip, errors);
                }

                break;
            case FleetSequence sequence:
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    CheckDuplicateKeys(sequence.Items[i], $"{path}[{i}]", skip, errors);
                }

                break;
        }
    }

    /// <summary>
    /// Deep-merges <paramref name="over"/> onto <paramref name="under"/>: mappings merge key by key
    /// (schema keys matched ignoring case and '_'), anything else is replaced.
    /// </summary>
    public static FleetValue Merge(FleetValue under, FleetValue over, bool namesLevel = false, bool overLocations = false)
    {
        if (under is not FleetMapping baseMapping || over is not FleetMapping overMapping)
        {
            return over;
        }

        var entries = baseMapping.Entries.ToList();
        foreach (var entry in overMapping.Entries)
        {
            var index = entries.FindIndex(e => namesLevel
                ? string.Equals(e.Key, entry.Key, StringComparison.OrdinalIgnoreCase)
                : Keys.Match(e.Key, entry.Key));
            if (index < 0)
            {
                entries.Add(entry);
                continue;
            }

            var existing = entries[index];
            var childIsNames = !namesLevel && (Keys.Match(existing.Key, Keys.Machines) || Keys.Match(existing.Key, Keys.Agents));
            entries[index] = existing with
            {
                Value = Merge(existing.Value, entry.Value, childIsNames, overLocations),
                KeyLocation = overLocations ? entry.KeyLocation : existing.KeyLocation,
            };
        }

        if (overLocations)
        {
            // The over side's order first (earlier files keep their order), then what only the base has.
            var ordered = new List<FleetMappingEntry>();
            foreach (var entry in overMapping.Entries)
            {
                var index = entries.FindIndex(e => namesLevel ? string.Equals(e.Key, entry.Key, StringComparison.OrdinalIgnoreCase) : Keys.Match(e.Key, entry.Key));
                ordered.Add(entries[index]);
                entries.RemoveAt(index);
            }

            ordered.AddRange(entries);
            return new FleetMapping(ordered, overMapping.Location);
        }

        return new FleetMapping(entries, baseMapping.Location);
    }

    public static FleetMapping With(FleetMapping mapping, string key, FleetValue value, SourceLocation keyLocation)
    {
        var entries = mapping.Entries.ToList();
        var index = entries.FindIndex(e => Keys.Match(e.Key, key));
        if (index >= 0)
        {
            entries[index] = entries[index] with { Value = value };
        }
        else
        {
            entries.Add(new FleetMappingEntry(key, value, keyLocation));
        }

        return new FleetMapping(entries, mapping.Location);
    }

    public static FleetMapping AsMappingOrEmpty(FleetValue? value) => value as FleetMapping ?? FleetMapping.Empty;
}
