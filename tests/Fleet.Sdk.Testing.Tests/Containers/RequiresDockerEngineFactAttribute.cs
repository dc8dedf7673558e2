namespace Fleet.Sdk.Testing.Tests;

/// <summary>A fact that starts containers: skipped, with the probe's reason ("no Docker engine: ..."), where no Docker engine answers.</summary>
internal sealed class RequiresDockerEngineFactAttribute : FactAttribute
{
    public RequiresDockerEngineFactAttribute()
    {
        if (DockerEngine.Current.Reason is { } reason)
        {
            Skip = reason + ". The container fixtures are unit-tested without one (ContainerConfigurationTests); see docs/testing.md, \"Containers\".";
        }
    }
}
