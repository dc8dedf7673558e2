using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>
/// Without redis-server, the Redis classes of the conformance suites are skipped with the install hint
/// (they used to fail, 42 of them): the availability decision on a PATH lacking redis-server, and the
/// discoverer that turns it into skipped tests of the derived class only.
/// </summary>
public sealed class RedisAvailabilityTests
{
    [Fact]
    public void SkipReasonFor_PathWithoutRedisServer_ReturnsInstallHint()
    {
        using var bin = new TempDirectory();

        Assert.Equal(RedisAvailability.InstallHint, RedisAvailability.SkipReasonFor(external: null, bin.Path, fallbacks: []));
    }

    [Fact]
    public void SkipReasonFor_PathWithRedisServer_ReturnsNull()
    {
        using var bin = new TempDirectory();
        bin.WriteFile("redis-server", "#!/bin/sh\n");

        Assert.Null(RedisAvailability.SkipReasonFor(external: null, $"/nonexistent{Path.PathSeparator}{bin.Path}", fallbacks: []));
    }

    [Fact]
    public void SkipReasonFor_ExternalRedisWithoutBinary_ReturnsNull()
    {
        using var bin = new TempDirectory();

        Assert.Null(RedisAvailability.SkipReasonFor(external: "127.0.0.1:6379", bin.Path, fallbacks: []));
    }

    [Fact]
    public void SuiteFact_DerivedClassWithoutRedisServer_IsSkippedWithInstallHint()
    {
        var cases = Discover<SuiteWithoutRedis>(nameof(Suite.Works), new SuiteFactDiscoverer(new NullMessageSink()));

        Assert.Equal(RedisAvailability.InstallHint, Assert.Single(cases).SkipReason);
    }

    [Fact]
    public void SuiteTheory_DerivedClassWithoutRedisServer_IsSkippedWithInstallHint()
    {
        var cases = Discover<SuiteWithoutRedis>(nameof(Suite.WorksFor), new SuiteTheoryDiscoverer(new NullMessageSink()));

        Assert.Equal(RedisAvailability.InstallHint, Assert.Single(cases).SkipReason);
    }

    [Fact]
    public void SuiteFact_DerivedClassWithNoRequirement_RunsNotSkipped()
    {
        var cases = Discover<SuiteInMemory>(nameof(Suite.Works), new SuiteFactDiscoverer(new NullMessageSink()));

        Assert.Null(Assert.Single(cases).SkipReason);
    }

    private static List<IXunitTestCase> Discover<TClass>(string method, IXunitTestCaseDiscoverer discoverer)
    {
        var assembly = new Xunit.Sdk.TestAssembly(Reflector.Wrap(typeof(TClass).Assembly));
        var collection = new TestCollection(assembly, null, "suite");
        var testClass = new TestClass(collection, Reflector.Wrap(typeof(TClass)));
        var methodInfo = typeof(TClass).GetMethod(method, BindingFlags.Public | BindingFlags.Instance)!;
        var testMethod = new TestMethod(testClass, Reflector.Wrap(methodInfo));
        var attribute = testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Single();
        return discoverer.Discover(new DefaultDiscoveryOptions(), testMethod, attribute).ToList();
    }

    /// <summary>A suite like the conformance suites (abstract, so xunit does not run it here).</summary>
    public abstract class Suite
    {
        [SuiteFact]
        public void Works() => Assert.True(true);

        [SuiteTheory]
        [InlineData(1)]
        [InlineData(2)]
        public void WorksFor(int value) => Assert.True(value > 0);
    }

    /// <summary>Its Redis class on a machine whose PATH (and fallbacks) hold no redis-server.</summary>
    [RedisServerOnEmptyPath]
    public abstract class SuiteWithoutRedis : Suite;

    /// <summary>Its in-memory class: no requirement.</summary>
    public abstract class SuiteInMemory : Suite;

    private sealed class DefaultDiscoveryOptions : ITestFrameworkDiscoveryOptions
    {
        public TValue GetValue<TValue>(string name) => default!;

        public void SetValue<TValue>(string name, TValue value)
        {
        }
    }

    private sealed class RedisServerOnEmptyPathAttribute : RequiresAttribute
    {
        public override string? SkipReason =>
            RedisAvailability.SkipReasonFor(external: null, path: Path.Combine(Path.GetTempPath(), $"no-redis-{Guid.NewGuid():N}"), fallbacks: []);
    }
}
