using System.Net;
using System.Security.Cryptography;
using System.Text;
using Fleet.Sdk.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// Decides whether an admin request may run. In order: a request that carries an <c>Origin</c>
/// header is refused (browsers send one; a web page must not drive the agent), the <c>Host</c>
/// header must name this port on loopback, the address the request arrived on, <c>localhost</c>,
/// the configured health address or the machine's name (so DNS rebinding fails), the caller must be
/// on loopback unless <c>Fleet:Hosting:AllowRemoteAdmin</c>, and it must present
/// <c>Authorization: Bearer &lt;token&gt;</c>, the token being the secret named by
/// <c>Fleet:Hosting:AdminTokenSecret</c>, compared in constant time. Without that secret the admin
/// endpoints are disabled.
/// </summary>
internal sealed partial class AdminGuard(
    IOptions<FleetHostingOptions> options,
    ILogger<AdminGuard> logger,
    ISecretStore? secrets = null)
{
    /// <summary>Fewer characters than this can be guessed over loopback at Kestrel's request rate.</summary>
    internal const int MinimumTokenLength = 16;

    private const string Generate = "openssl rand -hex 32";

    /// <summary>Logs at start-up whether the admin endpoints are enabled, and how to enable them if not.</summary>
    public void LogState()
    {
        var (token, problem) = ReadToken();
        if (token is null)
        {
            LogAdminDisabled(logger, problem!);
        }
        else
        {
            LogAdminEnabled(logger, options.Value.AdminTokenSecret);
        }
    }

    /// <summary>Returns <see langword="null"/> when the request may run, else the refusal to send.</summary>
    public AdminRefusal? Check(HttpContext context, string path)
    {
        var request = context.Request;
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "(unknown)";
        if (request.Headers.Origin.Count > 0)
        {
            return Refuse(403, path, remote, "the request carries an Origin header",
                "admin endpoints refuse requests that carry an Origin header: browsers add one, and a web page must not drive the agent. Call them with curl or another HTTP client.");
        }

        if (!HostIsThisAgent(context))
        {
            return Refuse(403, path, remote, "its Host header names another server",
                $"the Host header '{request.Host}' does not name this agent's health port: use http://127.0.0.1:{context.Connection.LocalPort}/ (or localhost, or the address the port is bound to).");
        }

        var address = context.Connection.RemoteIpAddress;
        if (!options.Value.AllowRemoteAdmin && (address is null || !IPAddress.IsLoopback(address)))
        {
            return Refuse(403, path, remote, "the caller is not on loopback",
                "admin endpoints answer loopback callers only: run the request on the agent's machine, or set Fleet:Hosting:AllowRemoteAdmin=true on a trusted network.");
        }

        var (token, problem) = ReadToken();
        if (token is null)
        {
            return Refuse(403, path, remote, "no admin token is configured", $"admin endpoints are disabled: {problem}");
        }

        if (!TokenMatches(request.Headers.Authorization.ToString(), token))
        {
            return Refuse(401, path, remote, "it has no valid bearer token",
                $"admin endpoints need 'Authorization: Bearer <token>', the token being the content of the secret '{options.Value.AdminTokenSecret}' (Fleet:Security:Secrets:{options.Value.AdminTokenSecret}).");
        }

        return null;
    }

    private AdminRefusal Refuse(int status, string path, string remote, string reason, string message)
    {
        LogAdminRefused(logger, path, remote, reason);
        return new AdminRefusal(status, message);
    }

    private static bool TokenMatches(string authorization, string token)
    {
        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing first makes both sides the same length, so the comparison leaks neither content nor length.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    private bool HostIsThisAgent(HttpContext context)
    {
        var host = context.Request.Host;
        if (!host.HasValue || (host.Port ?? 80) != context.Connection.LocalPort)
        {
            return false;
        }

        var name = host.Host.Trim('[', ']');
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, options.Value.HealthAddress, StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(name, out var ip)
            && (IPAddress.IsLoopback(ip) || Same(ip, context.Connection.LocalIpAddress));
    }

    private static bool Same(IPAddress a, IPAddress? b) =>
        b is not null && (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);

    private (string? Token, string? Problem) ReadToken()
    {
        var name = options.Value.AdminTokenSecret;
        var enable = $"write a random token to a file readable only by the agent ({Generate} > /etc/fleet/{name}; chmod 600 /etc/fleet/{name}) " +
            $"and set Fleet:Security:Secrets:{name}=/etc/fleet/{name}, or mount it as /run/secrets/{name}.";
        if (secrets is null)
        {
            return (null, $"the agent has no secret store (builder.AddFleetSecurity()); add it, then {enable}");
        }

        try
        {
            if (!secrets.TryGetSecret(name, out var token))
            {
                return (null, $"no admin token (secret '{name}'). To enable them, {enable}");
            }

            return token.Length < MinimumTokenLength
                ? (null, $"the admin token (secret '{name}') has fewer than {MinimumTokenLength} characters. Generate a longer one: {enable}")
                : (token, null);
        }
        catch (FleetSecurityException ex)
        {
            return (null, $"the admin token cannot be read: {ex.Message}");
        }
    }
}
