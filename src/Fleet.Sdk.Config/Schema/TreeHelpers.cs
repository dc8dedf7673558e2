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

    /// <summary>
    /// Reports keys written twice in one mapping, everywhere except the mappings <paramref name="skip"/> accepts.
    /// Keys collide as the agent reads them (<see cref="KeyComparer"/>): <c>port</c> and <c>Port</c>,
    /// <c>Logging</c> and <c>logging</c> under settings, machines <c>m1</c> and <c>M1</c>.
    /// </summary>
    public static void CheckDuplicateKeys(FleetValue value, string path, Func<string, bool> skip, List<FleetConfigurationError> errors)
    {
        switch (value)
        {
            case FleetMapping mapping:
                if (!skip(path))
                {
                    var seen = new Dictionary<string, FleetMappingEntry>(KeyComparer(path));
                    foreach (var entry in mapping.Entries)
                    {
                        if (!seen.TryAdd(entry.Key, entry))
                        {
                            var first = seen[entry.Key];
                            var spelling = string.Equals(first.Key, entry.Key, StringComparison.Ordinal) ? string.Empty : $" as '{first.Key}'";
                            errors.Add(new FleetConfigurationError(entry.KeyLocation,
                                $"duplicate key '{entry.Key}' in '{(path.Length == 0 ? "(root)" : path)}' (first at line {first.KeyLocation.Line}{spelling}): " +
                                "a mapping holds each key once (keys are read ignoring case, and schema keys ignoring '_' and '-'); remove or rename one."));
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
    /// How the keys of the mapping at <paramref name="path"/> are told apart once loaded: variable
    /// names exactly (environment variables are case-sensitive); names and free-form settings
    /// ignoring case (Microsoft.Extensions.Configuration keys do); schema keys ignoring case, '_' and '-'.
    /// </summary>
    public static IEqualityComparer<string> KeyComparer(string path)
    {
        var first = path.Split('.', 2)[0];
        if (Keys.Match(first, Keys.Variables) && path.Length == first.Length)
        {
            return StringComparer.Ordinal;
        }

        var isNames = path.Length > 0 && !path.Contains('.', StringComparison.Ordinal) && !path.Contains('[', StringComparison.Ordinal);
        return isNames || IsFreeForm(path) ? StringComparer.OrdinalIgnoreCase : LoadedKeyComparer.Instance;
    }

    private static bool IsFreeForm(string path)
    {
        foreach (var segment in path.Split('.'))
        {
            var name = segment.Split('[')[0];
            if (Keys.Match(name, Keys.Settings))
            {
                return true;
            }
        }

        return false;
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

        // Keys are looked up by their comparison form, so a merge is linear in the number of keys.
        IEqualityComparer<string> comparer = namesLevel ? StringComparer.OrdinalIgnoreCase : SchemaKeyComparer.Instance;
        var entries = baseMapping.Entries.ToList();
        var indexOf = new Dictionary<string, int>(comparer);
        for (var i = 0; i < entries.Count; i++)
        {
            indexOf.TryAdd(entries[i].Key, i);
        }

        foreach (var entry in overMapping.Entries)
        {
            if (!indexOf.TryGetValue(entry.Key, out var index))
            {
                indexOf[entry.Key] = entries.Count;
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
            // The over side's order first (earlier files keep their order), then what only the base has;
            // keys of the over side that collide (m1 and M1) were merged into one entry, taken once.
            var taken = new bool[entries.Count];
            var ordered = new List<FleetMappingEntry>(entries.Count);
            foreach (var entry in overMapping.Entries)
            {
                var index = indexOf[entry.Key];
                if (!taken[index])
                {
                    taken[index] = true;
                    ordered.Add(entries[index]);
                }
            }

            for (var i = 0; i < entries.Count; i++)
            {
                if (!taken[i])
                {
                    ordered.Add(entries[i]);
                }
            }

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
