namespace Fleet.Sdk.Security;

/// <summary>A registered secret.</summary>
/// <param name="Name">What it is; safe to show.</param>
/// <param name="Value">The secret value; never show it.</param>
public sealed record RegisteredSecret(string Name, string Value)
{
    /// <summary>Returns the name only: a registered secret is never turned into text by accident.</summary>
    /// <returns>The name and a redaction marker.</returns>
    public override string ToString() => $"{Name} (redacted)";
}
