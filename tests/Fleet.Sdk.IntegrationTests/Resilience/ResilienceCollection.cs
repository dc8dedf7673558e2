namespace Fleet.Sdk.IntegrationTests.Resilience;

/// <summary>
/// The partition suite's scenarios run one at a time, never beside other test classes: they
/// measure sub-second fail-overs, and a CPU stolen by a neighbouring test for 600 ms looks like a
/// dead bridge.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResilienceCollection
{
    public const string Name = "Resilience";
}
