using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Fleet.Sdk.Tests;

/// <summary>
/// Marks a test class that needs something installed. Its inherited <see cref="SuiteFactAttribute"/>
/// and <see cref="SuiteTheoryAttribute"/> tests are skipped with <see cref="SkipReason"/> when that is set.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public abstract class RequiresAttribute : Attribute
{
    /// <summary>Gets what to install, or <see langword="null"/> when the requirement is met.</summary>
    public abstract string? SkipReason { get; }
}

/// <summary>
/// A fact of a suite that an abstract class defines and each implementation runs through a derived
/// class (the conformance suites). A plain <see cref="FactAttribute"/> cannot skip per derived class;
/// this one is skipped in a class whose <see cref="RequiresAttribute"/> is not met.
/// </summary>
[XunitTestCaseDiscoverer("Fleet.Sdk.Tests.SuiteFactDiscoverer", ThisTestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class SuiteFactAttribute : FactAttribute;

/// <summary>The theory form of <see cref="SuiteFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Fleet.Sdk.Tests.SuiteTheoryDiscoverer", ThisTestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class SuiteTheoryAttribute : TheoryAttribute;

/// <summary>Discovers <see cref="SuiteFactAttribute"/> tests.</summary>
public sealed class SuiteFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        SuiteSkip.ReasonFor(testMethod) is { } reason
            ? [SuiteSkip.Case(DiagnosticMessageSink, discoveryOptions, testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, factAttribute);
}

/// <summary>Discovers <see cref="SuiteTheoryAttribute"/> tests.</summary>
public sealed class SuiteTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        SuiteSkip.ReasonFor(testMethod) is { } reason
            ? [SuiteSkip.Case(DiagnosticMessageSink, discoveryOptions, testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class SuiteSkip
{
    /// <summary>The first unmet requirement of the class the test runs in (the derived class, for an inherited test).</summary>
    public static string? ReasonFor(ITestMethod testMethod) =>
        testMethod.TestClass.Class is IReflectionTypeInfo type
            ? type.Type.GetCustomAttributes<RequiresAttribute>(inherit: true).Select(r => r.SkipReason).FirstOrDefault(r => r is not null)
            : null;

    public static IXunitTestCase Case(IMessageSink sink, ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, string reason) =>
        new XunitSkippedDataRowTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason);
}
