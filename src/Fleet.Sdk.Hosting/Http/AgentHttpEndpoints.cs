using System.Text;
using System.Text.Json;
using Fleet.Sdk.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// The health port's endpoints: <c>GET /health</c> (readiness), <c>GET /alive</c> (liveness),
/// <c>GET /metrics</c> (Prometheus text), open to every caller; and <c>/admin/loglevels</c> and
/// <c>/admin/drain</c>, for callers that <see cref="AdminGuard"/> admits (a bearer token from the
/// agent's secrets, no <c>Origin</c>, this agent's <c>Host</c>, loopback unless
/// <c>Fleet:Hosting:AllowRemoteAdmin</c>).
/// </summary>
internal sealed partial class AgentHttpEndpoints(
    AgentHealthReporter health,
    PrometheusExporter metrics,
    IFleetAgent agent,
    AdminGuard guard,
    ILogger<AgentHttpEndpoints> logger,
    IFleetLogLevels? levels = null)
{
    private const string Json = "application/json; charset=utf-8";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        try
        {
            switch (path)
            {
                case "/health" or "/alive" when HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method):
                    var (status, body) = await health.ReportAsync(liveness: path == "/alive", context.RequestAborted).ConfigureAwait(false);
                    await WriteAsync(context, status == HealthStatus.Unhealthy ? 503 : 200, Json, body).ConfigureAwait(false);
                    return;
                case "/metrics" when HttpMethods.IsGet(request.Method):
                    await WriteAsync(context, 200, "text/plain; version=0.0.4; charset=utf-8", Encoding.UTF8.GetBytes(metrics.Render())).ConfigureAwait(false);
                    return;
                case "/admin/loglevels" or "/admin/drain":
                    await AdminAsync(context, path).ConfigureAwait(false);
                    return;
                default:
                    await ErrorAsync(context, 404, $"no endpoint {request.Method} {path}: use GET /health, /alive or /metrics, or /admin/loglevels, /admin/drain.").ConfigureAwait(false);
                    return;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away.
        }
    }

    /// <summary>Logs once at start-up whether the admin endpoints are enabled, and how to enable them.</summary>
    public void LogAdminState() => guard.LogState();

    private async Task AdminAsync(HttpContext context, string path)
    {
        if (guard.Check(context, path) is { } refusal)
        {
            if (refusal.Status == 401)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }

            await ErrorAsync(context, refusal.Status, refusal.Message).ConfigureAwait(false);
            return;
        }

        var remote = context.Connection.RemoteIpAddress;

        var method = context.Request.Method;
        if (path == "/admin/drain")
        {
            if (HttpMethods.IsPost(method))
            {
                LogAdmin(logger, "drain", remote?.ToString() ?? "?");
                _ = DrainInBackgroundAsync();
                await WriteObjectAsync(context, 202, new Dictionary<string, object> { ["state"] = "draining", ["in_flight"] = agent.InFlightRequests }).ConfigureAwait(false);
            }
            else if (HttpMethods.IsDelete(method))
            {
                LogAdmin(logger, "resume", remote?.ToString() ?? "?");
                await agent.ResumeAsync().ConfigureAwait(false);
                await WriteObjectAsync(context, 200, new Dictionary<string, object> { ["state"] = agent.State.ToString().ToLowerInvariant() }).ConfigureAwait(false);
            }
            else
            {
                await ErrorAsync(context, 405, "use POST /admin/drain to take the agent out of service, DELETE /admin/drain to put it back.").ConfigureAwait(false);
            }

            return;
        }

        if (levels is null)
        {
            await ErrorAsync(context, 404, "log levels cannot be changed: the agent does not use Fleet.Sdk logging (builder.AddFleetLogging()).").ConfigureAwait(false);
            return;
        }

        var category = context.Request.Query["category"].ToString();
        if (HttpMethods.IsGet(method))
        {
            await WriteLevelsAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(method) || HttpMethods.IsPut(method))
        {
            var text = context.Request.Query["level"].ToString();
            if (!Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) || !Enum.IsDefined(level))
            {
                await ErrorAsync(context, 400, $"level '{text}' is not a log level: use Trace, Debug, Information, Warning, Error, Critical or None, for example POST /admin/loglevels?category=Fleet.Sdk.Messaging&level=Debug.").ConfigureAwait(false);
                return;
            }

            levels.SetLevel(category, level);
            LogLevelChanged(logger, category.Length == 0 ? "Default" : category, level, remote?.ToString() ?? "?");
            await WriteLevelsAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsDelete(method))
        {
            levels.ResetLevel(category);
            await WriteLevelsAsync(context).ConfigureAwait(false);
        }
        else
        {
            await ErrorAsync(context, 405, "use GET /admin/loglevels, POST /admin/loglevels?category=PREFIX&level=LEVEL, or DELETE /admin/loglevels?category=PREFIX.").ConfigureAwait(false);
        }
    }

    /// <summary>The drain answers at once (202); the wait for the requests in flight goes on here.</summary>
    private async Task DrainInBackgroundAsync()
    {
        try
        {
            await agent.DrainAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogDrainFailed(logger, ex.Message);
        }
    }

    private Task WriteLevelsAsync(HttpContext context)
    {
        var body = new Dictionary<string, object>
        {
            ["minimum_level"] = levels!.MinimumLevel.ToString(),
            ["levels"] = levels.Levels.ToDictionary(p => p.Key, p => p.Value.ToString()),
        };
        return WriteObjectAsync(context, 200, body);
    }

    private static Task ErrorAsync(HttpContext context, int status, string message) =>
        WriteObjectAsync(context, status, new Dictionary<string, object> { ["status"] = "error", ["message"] = message });

    private static Task WriteObjectAsync(HttpContext context, int status, Dictionary<string, object> body) =>
        WriteAsync(context, status, Json, JsonSerializer.SerializeToUtf8Bytes(body));

    private static async Task WriteAsync(HttpContext context, int status, string contentType, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 8031, Level = LogLevel.Information, Message = "Admin {Operation} requested from {Remote}.")]
    private static partial void LogAdmin(ILogger logger, string operation, string remote);

    [LoggerMessage(EventId = 8033, Level = LogLevel.Warning, Message = "Draining failed: {Error}")]
    private static partial void LogDrainFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 8032, Level = LogLevel.Information, Message = "Log level of {Category} set to {Level} from {Remote}.")]
    private static partial void LogLevelChanged(ILogger logger, string category, LogLevel level, string remote);
}
