namespace Fleet.Sdk.Testing;

/// <summary>Which fixtures a test uses, or why it cannot run here.</summary>
/// <param name="Source">The fixtures to use, or <see langword="null"/> when the test must skip.</param>
/// <param name="SkipReason">Why the test skips (what to install or set), or <see langword="null"/>.</param>
public sealed record FixtureChoice(FixtureSource? Source, string? SkipReason);
