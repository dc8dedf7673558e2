using BenchmarkDotNet.Attributes;
using Fleet.Sdk.Logging;
using Fleet.Sdk.Security;
using Serilog.Events;
using Serilog.Parsing;

namespace Fleet.Sdk.Benchmarks.Logging;

/// <summary>What redaction costs per event that holds no secret (the common case), and per event that does.</summary>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    private RedactingSink _sink = null!;
    private LogEvent _clean = null!;
    private LogEvent _secret = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new SecretRegistry();
        registry.Register("redis-password", "r3dis-Pa55word-xyz");
        registry.Register("api-token", "tok_8f9a7b6c5d4e3f2a1b");
        registry.Register("curve-secret", "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs");
        _sink = new RedactingSink(new NullSink(), new TextRedactor(registry), new SecretPropertyNames([]));
        var template = new MessageTemplateParser().Parse("Served {Action} for {Caller} in {ElapsedMs} ms");
        var enricher = new FleetEnricher("BenchAgent", "mainpc", "1.0.0", 42);
        _clean = Event(template, "pc2/MemoryOrchestrator", enricher);
        _secret = Event(template, "redis://:r3dis-Pa55word-xyz@10.0.0.1", enricher);
    }

    [Benchmark(Baseline = true, Description = "clean event")]
    public LogEvent Clean() => _sink.Redact(_clean);

    [Benchmark(Description = "event with a secret")]
    public LogEvent WithSecret() => _sink.Redact(_secret);

    private static LogEvent Event(MessageTemplate template, string caller, FleetEnricher enricher)
    {
        var e = new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, template,
        [
            new("SourceContext", new ScalarValue("Fleet.Sdk.Benchmarks.Agent")),
            new("Action", new ScalarValue("health_check")),
            new("Caller", new ScalarValue(caller)),
            new("ElapsedMs", new ScalarValue(12)),
        ]);
        enricher.Enrich(e, null!);
        return e;
    }

    private sealed class NullSink : Serilog.Core.ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
        }
    }
}
