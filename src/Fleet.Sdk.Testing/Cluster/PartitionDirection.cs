namespace Fleet.Sdk.Testing;

/// <summary>Which way a partition cuts.</summary>
public enum PartitionDirection
{
    /// <summary>Nothing passes either way between the two machines.</summary>
    Both,

    /// <summary>Data from the first machine to the second is cut; the other way still flows.</summary>
    OneWay,
}
