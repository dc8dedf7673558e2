using Fleet.Sdk.Security;
using Serilog.Events;

namespace Fleet.Sdk.Logging.Tests;

public sealed class RedactionTests
{
    private static readonly SecretPropertyNames Names = new(["ssn"]);

    [Theory]
    [InlineData("Password", true)]
    [InlineData("db_password", true)]
    [InlineData("ApiKey", true)]
    [InlineData("api_key", true)]
    [InlineData("SecretKey", true)]
    [InlineData("AccessToken", true)]
    [InlineData("ConnectionString", true)]
    [InlineData("Credentials", true)]
    [InlineData("key", true)]
    [InlineData("CustomerSsn", true)]
    [InlineData("MaxTokens", false)]
    [InlineData("TokenCount", false)]
    [InlineData("PublicKey", false)]
    [InlineData("SecretName", false)]
    [InlineData("PasswordFile", false)]
    [InlineData("KeyId", false)]
    [InlineData("Monkey", false)]
    [InlineData("Action", false)]
    public void IsSecret_ByWords(string name, bool secret) => Assert.Equal(secret, Names.IsSecret(name));

    [Theory]
    [InlineData("Server=db;Password=abc;Database=x", "Server=db;Password=***;Database=x")]
    [InlineData("host:6379,password=p@ss,ssl=true", "host:6379,password=***,ssl=true")]
    [InlineData("redis://user:hunter2@10.0.0.1:6379", "redis://user:***@10.0.0.1:6379")]
    [InlineData("pwd = 'x y'", "pwd = ***")]
    public void Redact_ConnectionStringAndUrlPasswords(string input, string expected) =>
        Assert.Equal(expected, new TextRedactor(new SecretRegistry()).Redact(input));

    [Fact]
    public void Redact_NothingSecret_ReturnsNull() =>
        Assert.Null(new TextRedactor(new SecretRegistry()).Redact("Served health_check in 3 ms"));

    [Fact]
    public void Redact_RegisteredSecrets_AllOccurrencesLongestFirst()
    {
        var registry = new SecretRegistry();
        var redactor = new TextRedactor(registry);
        registry.Register("a", "abcd1234");
        registry.Register("b", "abcd1234-extended");
        registry.Register("short", "ab");

        Assert.Equal("x *** y *** z ab", redactor.Redact("x abcd1234-extended y abcd1234 z ab"));
    }

    [Fact]
    public void Redact_SecretRegisteredLater_PickedUp()
    {
        var registry = new SecretRegistry();
        var redactor = new TextRedactor(registry);
        Assert.Null(redactor.Redact("token zz-top-9"));

        registry.Register("late", "zz-top-9");

        Assert.Equal("token ***", redactor.Redact("token zz-top-9"));
    }

    [Fact]
    public void RedactingSink_CleanEvent_PassedThroughUnchanged()
    {
        var collected = new CollectingSink();
        var sink = new RedactingSink(collected, new TextRedactor(new SecretRegistry()), Names);
        var clean = FileSinkTests.Event("hello {Name}", new LogEventProperty("Name", new ScalarValue("world")));

        sink.Emit(clean);

        Assert.Same(clean, Assert.Single(collected.Events));
    }

    [Fact]
    public void RedactingSink_ExceptionWithSecret_ReplacedKeepingType()
    {
        var registry = new SecretRegistry();
        registry.Register("k", "supersecretvalue");
        var collected = new CollectingSink();
        var sink = new RedactingSink(collected, new TextRedactor(registry), Names);
        Exception thrown;
        try
        {
            throw new TimeoutException("login with supersecretvalue timed out");
        }
        catch (TimeoutException ex)
        {
            thrown = ex;
        }

        sink.Emit(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Error, thrown, new Serilog.Parsing.MessageTemplateParser().Parse("failed"), []));

        var redacted = Assert.Single(collected.Events).Exception!;
        Assert.DoesNotContain("supersecretvalue", redacted.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("supersecretvalue", redacted.Message, StringComparison.Ordinal);
        Assert.Contains("System.TimeoutException", redacted.ToString(), StringComparison.Ordinal);
    }
}
