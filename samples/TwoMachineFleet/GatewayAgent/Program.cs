// GatewayAgent: the pc2 half of the sample fleet. "ask" calls ModelAgent on mainpc across the
// machine boundary; when mainpc cannot be reached within the call's deadline (1 s, from the
// topology's Fleet:Messaging:Services:ModelAgent), it answers from its fallback instead of hanging,
// and the host reports the agent degraded until ModelAgent answers again.
using Fleet.Sdk.Hosting;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddFleetAgentDefaults();
builder.AddAgentHandler<AskHandler>();

using var host = builder.Build();
return await host.RunFleetAgentAsync();

/// <summary>Arguments of "ask".</summary>
/// <param name="question">The question.</param>
internal sealed record AskRequest(string question);

/// <summary>"ask": forwards the question to ModelAgent's "generate", or falls back.</summary>
[AgentAction("ask")]
internal sealed class AskHandler(IAgentRpcClientFactory clients, IConfiguration configuration) : IAgentHandler
{
    public async ValueTask<object?> HandleAsync(RpcRequest request, CancellationToken cancellationToken)
    {
        var arguments = request.GetArguments<AskRequest>();
        try
        {
            var reply = await clients.GetClient("ModelAgent").CallAsync("generate", new { prompt = arguments.question }, cancellationToken);
            return new
            {
                answer = reply.GetProperty("text").GetString(),
                served_by = reply.GetProperty("served_by").GetString(),
                degraded = false,
            };
        }
        catch (AgentRpcException ex) when (ex.IsTransient)
        {
            return new
            {
                answer = configuration["Fleet:Agent:Settings:fallback_answer"] ?? "unavailable",
                served_by = "GatewayAgent fallback",
                degraded = true,
                reason = ex.Code,
            };
        }
    }
}
