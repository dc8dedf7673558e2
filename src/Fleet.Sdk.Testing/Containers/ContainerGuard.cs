using DotNet.Testcontainers.Containers;

namespace Fleet.Sdk.Testing;

/// <summary>What every container fixture does before and while starting: refuse without an engine, and remove a container that failed to start.</summary>
internal static class ContainerGuard
{
    public static void ThrowIfNoEngine()
    {
        if (DockerEngine.Current is { IsAvailable: false } status)
        {
            throw TestingErrors.NoDockerEngine(status.Reason);
        }
    }

    public static async Task StartAsync(IContainer container, CancellationToken cancellationToken)
    {
        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
