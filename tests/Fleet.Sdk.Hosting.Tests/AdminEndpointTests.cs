using System.Net;
using System.Net.Http.Headers;
using Fleet.Sdk.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Hosting.Tests;

/// <summary>The admin endpoints over real HTTP against a real agent host: a bearer token from a secret file, no Origin, a known Host.</summary>
public sealed class AdminEndpointTests : IDisposable
{
    private const string Token = "f3a9c1e07b5d4e2a9c8b7a6d5e4f3a2b";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly TempDirectory _secrets = new();
    private readonly ListLoggerProvider _logs = new();

    public void Dispose() => _secrets.Dispose();

    [Fact]
    public async Task Admin_DrainAndLogLevels_WithTokenFromLoopback()
    {
        await using var agent = await StartAsync(Token);
        var levels = agent.Host.Services.GetRequiredService<IFleetLogLevels>();

        using var set = await SendAsync(agent, HttpMethod.Post, "admin/loglevels?category=Fleet.Sdk.Messaging&level=Debug", Token);
        using var bad = await SendAsync(agent, HttpMethod.Post, "admin/loglevels?category=X&level=Loud", Token);
        using var drain = await SendAsync(agent, HttpMethod.Post, "admin/drain", Token);
        Assert.True(await Poll.UntilAsync(() => agent.Agent.State == AgentState.Draining, TimeSpan.FromSeconds(10)));
        using var drained = await Http.GetAsync(new Uri(agent.HealthAddress, "health"));
        using var resume = await SendAsync(agent, HttpMethod.Delete, "admin/drain", Token);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(LogLevel.Debug, levels.GetLevel("Fleet.Sdk.Messaging.Rpc"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Trace, Debug, Information", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, drain.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, drained.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        Assert.Equal(AgentState.Ready, agent.Agent.State);
    }

    [Fact]
    public async Task Admin_ForgedBrowserRequestWithOriginAndForeignHost_RefusedAndNotDrained()
    {
        await using var agent = await StartAsync(Token);

        // The probe's repro: curl -X POST -H 'Origin: http://evil.example' -H 'Host: attacker.example' .../admin/drain
        using var forged = await SendAsync(agent, HttpMethod.Post, "admin/drain", token: null, origin: "http://evil.example", host: "attacker.example");

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(AgentState.Ready, agent.Agent.State);
    }

    [Fact]
    public async Task Admin_OriginHeaderEvenWithValidToken_Refused()
    {
        await using var agent = await StartAsync(Token);

        using var response = await SendAsync(agent, HttpMethod.Post, "admin/drain", Token, origin: "http://localhost:3000");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Origin", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(AgentState.Ready, agent.Agent.State);
    }

    [Theory]
    [InlineData("attacker.example", HttpStatusCode.Forbidden)]
    [InlineData("attacker.example:{port}", HttpStatusCode.Forbidden)]
    [InlineData("127.0.0.1:1", HttpStatusCode.Forbidden)]
    [InlineData("localhost:{port}", HttpStatusCode.OK)]
    [InlineData("LOCALHOST:{port}", HttpStatusCode.OK)]
    [InlineData("127.0.0.1:{port}", HttpStatusCode.OK)]
    public async Task Admin_HostHeaderWithValidToken_AcceptedOnlyWhenItNamesThisPort(string host, HttpStatusCode expected)
    {
        await using var agent = await StartAsync(Token);

        using var response = await SendAsync(agent, HttpMethod.Post, "admin/loglevels?category=X&level=Debug", Token, host: WithPort(host, agent));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            Assert.Contains("Host", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(LogLevel.Information, agent.Host.Services.GetRequiredService<IFleetLogLevels>().GetLevel("X"));
        }
        else
        {
            Assert.Equal(LogLevel.Debug, agent.Host.Services.GetRequiredService<IFleetLogLevels>().GetLevel("X"));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-of-the-same-length-xx")]
    [InlineData("f3a9c1e07b5d4e2a9c8b7a6d5e4f3a2")]
    [InlineData("")]
    public async Task Admin_MissingOrWrongToken_Unauthorized(string? token)
    {
        await using var agent = await StartAsync(Token);

        using var response = await SendAsync(agent, HttpMethod.Post, "admin/drain", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Equal(AgentState.Ready, agent.Agent.State);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_NoTokenConfigured_DisabledWithStartupHintWhileHealthStaysOpen()
    {
        await using var agent = await StartAsync(token: null);

        using var drain = await SendAsync(agent, HttpMethod.Post, "admin/drain", Token);
        using var health = await Http.GetAsync(new Uri(agent.HealthAddress, "health"));
        using var alive = await Http.GetAsync(new Uri(agent.HealthAddress, "alive"));
        using var metrics = await Http.GetAsync(new Uri(agent.HealthAddress, "metrics"));

        Assert.Equal(HttpStatusCode.Forbidden, drain.StatusCode);
        Assert.Contains("Fleet:Security:Secrets:admin-token", await drain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(AgentState.Ready, agent.Agent.State);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var hint = Assert.Single(_logs.Entries, e => e.EventId.Id == 8035);
        Assert.Contains("Fleet:Security:Secrets:admin-token", hint.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_TokenTooShort_DisabledAndSaysHowToGenerateOne()
    {
        await using var agent = await StartAsync("short");

        using var drain = await SendAsync(agent, HttpMethod.Post, "admin/drain", "short");

        Assert.Equal(HttpStatusCode.Forbidden, drain.StatusCode);
        Assert.Contains("openssl rand", await drain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(AgentState.Ready, agent.Agent.State);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("/etc/fleet/admin-token")]
    public void Validate_AdminTokenSecretBlankOrAPath_FailsNamingTheKey(string secret)
    {
        var result = new FleetHostingOptionsValidator().Validate(null, new FleetHostingOptions { AdminTokenSecret = secret });

        Assert.True(result.Failed);
        Assert.Contains("Fleet:Hosting:AdminTokenSecret", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Fleet:Security:Secrets:", result.FailureMessage, StringComparison.Ordinal);
    }

    private static string WithPort(string host, TestAgent agent) =>
        host.Replace("{port}", agent.HealthAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private async Task<TestAgent> StartAsync(string? token)
    {
        var settings = new Dictionary<string, string?>();
        if (token is not null)
        {
            settings["Fleet:Security:Secrets:admin-token"] = _secrets.WriteFile("admin-token", token + "\n");
        }
        else
        {
            settings["Fleet:Security:SecretsDirectory"] = _secrets.Path;
        }

        return await TestAgent.StartAsync(builder => builder.Logging.AddProvider(_logs), settings);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestAgent agent, HttpMethod method, string path, string? token, string? origin = null, string? host = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(agent.HealthAddress, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        return await Http.SendAsync(request);
    }
}
