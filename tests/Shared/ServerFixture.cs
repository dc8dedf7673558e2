namespace Fleet.Sdk.Tests;

/// <summary>
/// A real server (or cluster of them) started once for the test classes that share it, and disposed after the last.
/// Where its binary is not installed (<see cref="SkipReason"/>) nothing is started and <see cref="Instance"/> is
/// <see langword="null"/>: the tests that need it are skipped by their Requires... attribute.
/// </summary>
/// <typeparam name="T">What is started: a <c>RedisServer</c>, a <c>NatsCluster</c>, ...</typeparam>
public abstract class ServerFixture<T> : IAsyncLifetime
    where T : class, IAsyncDisposable
{
    /// <summary>Gets what was started, or <see langword="null"/> where it could not be.</summary>
    protected T Instance { get; private set; } = null!;

    /// <summary>Gets why the server cannot be started here, or <see langword="null"/> when it can.</summary>
    protected abstract string? SkipReason { get; }

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            Instance = await StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null)
        {
            await Instance.DisposeAsync();
        }
    }

    /// <summary>Starts the server and waits until it serves.</summary>
    protected abstract Task<T> StartAsync();
}
