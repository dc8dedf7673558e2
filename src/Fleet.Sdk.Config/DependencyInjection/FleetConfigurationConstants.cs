namespace Fleet.Sdk.Config;

internal static class FleetConfigurationConstants
{
    public const string DefaultDirectoryName = "config";
    public const string MachineNameKey = "Fleet:Machine:Name";
    public const string AgentNameKey = "Fleet:Agent:Name";
}
