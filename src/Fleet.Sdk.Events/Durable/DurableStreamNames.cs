namespace Fleet.Sdk.Events;

/// <summary>Checks the names of streams, groups and consumers, which become parts of Redis keys and JetStream names.</summary>
internal static class DurableStreamNames
{
    public static void Validate(string? name, string what, string parameter)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ArgumentException($"'{name}' is not a valid {what}: use 1 to 100 characters among letters, digits, '.', '_' and '-', for example 'gpu.leases'.", parameter);
        }
    }
}
