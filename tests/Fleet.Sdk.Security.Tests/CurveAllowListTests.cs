using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Security.Tests;

public sealed class CurveAllowListTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ListLoggerProvider _logs = new();
    private readonly ILogger _logger;

    public CurveAllowListTests()
    {
        _logger = LoggerFactory.Create(b => b.AddProvider(_logs)).CreateLogger("allow-list");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_MixedDirectory_AllowsEveryPublicCertificateOnly()
    {
        TestKeys.Certificate(TestKeys.Alice, withSecret: false).Save(_temp.Path, "alice");
        TestKeys.Certificate(TestKeys.Bob, withSecret: false).Save(_temp.Path, "bob", CurveCertificateFormat.Czmq);
        TestKeys.Certificate(TestKeys.Carol).Save(_temp.Path, "carol");
        File.Delete(_temp.Combine("carol.key"));
        _temp.WriteFile("broken.key", "curve\n    public-key = \"nope\"\n");
        _temp.WriteFile("notes.txt", "not a certificate");

        using var allowList = new CurveAllowList(_temp.Path, Timeout.InfiniteTimeSpan, _logger);

        Assert.Equal(2, allowList.Count);
        Assert.True(allowList.IsAllowed(CurvePublicKey.Parse(TestKeys.Alice.Public)));
        Assert.True(allowList.IsAllowed(CurvePublicKey.Parse(TestKeys.Bob.Public).Bytes));
        Assert.False(allowList.IsAllowed(CurvePublicKey.Parse(TestKeys.Carol.Public)), "a secret certificate is not an allow-list entry");
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 3011 && e.Message.Contains("broken.key", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 3013 && e.Message.Contains("carol.key_secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingDirectory_AllowsNobodyAndWarns()
    {
        using var allowList = new CurveAllowList(_temp.Combine("absent"), Timeout.InfiniteTimeSpan, _logger);

        Assert.Equal(0, allowList.Count);
        Assert.False(allowList.IsAllowed(CurvePublicKey.Parse(TestKeys.Alice.Public)));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 3012);
    }

    [Fact]
    public void Reload_KeyAddedAndRemoved_TakesEffectWithoutRestart()
    {
        using var allowList = new CurveAllowList(_temp.Path, Timeout.InfiniteTimeSpan, _logger);
        var alice = CurvePublicKey.Parse(TestKeys.Alice.Public);
        Assert.False(allowList.IsAllowed(alice));

        TestKeys.Certificate(TestKeys.Alice, withSecret: false).Save(_temp.Path, "alice");
        allowList.Reload();
        Assert.True(allowList.IsAllowed(alice));

        File.Delete(_temp.Combine("alice.key"));
        allowList.Reload();
        Assert.False(allowList.IsAllowed(alice));
    }

    [Fact]
    public async Task Watch_KeyAdded_PickedUpWithinDeadline()
    {
        using var allowList = new CurveAllowList(_temp.Path, TimeSpan.FromMilliseconds(200), _logger);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        allowList.Changed += (_, _) => changed.TrySetResult();

        TestKeys.Certificate(TestKeys.Bob, withSecret: false).Save(_temp.Path, "bob");

        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(allowList.IsAllowed(CurvePublicKey.Parse(TestKeys.Bob.Public)));
    }

    [Fact]
    public void Reload_BrokenFileAdded_KeepsOtherKeys()
    {
        TestKeys.Certificate(TestKeys.Alice, withSecret: false).Save(_temp.Path, "alice");
        using var allowList = new CurveAllowList(_temp.Path, Timeout.InfiniteTimeSpan, _logger);

        _temp.WriteFile("half-written.key", "curve\n    public-key = \"abc");
        allowList.Reload();

        Assert.Equal(1, allowList.Count);
        Assert.True(allowList.IsAllowed(CurvePublicKey.Parse(TestKeys.Alice.Public)));
    }
}
