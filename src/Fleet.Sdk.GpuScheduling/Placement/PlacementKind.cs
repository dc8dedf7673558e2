namespace Fleet.Sdk.GpuScheduling;

internal enum PlacementKind
{
    Place,
    Preempt,
    NoFit,
}
