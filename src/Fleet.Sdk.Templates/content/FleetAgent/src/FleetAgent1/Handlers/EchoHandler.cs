using Fleet.Sdk.Hosting;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.Configuration;

namespace FleetAgent1.Handlers;

/// <summary>The arguments of <c>echo</c>: <c>{"action": "echo", "text": "..."}</c>.</summary>
/// <param name="text">The text to echo.</param>
internal sealed record EchoRequest(string? text);

/// <summary>A sample action: answers <c>echo</c> with the text and this agent's greeting.</summary>
[AgentAction("echo")]
internal sealed class EchoHandler(IConfiguration configuration) : IAgentHandler
{
    public ValueTask<object?> HandleAsync(RpcRequest request, CancellationToken cancellationToken)
    {
        var arguments = request.GetArguments<EchoRequest>();
        if (string.IsNullOrEmpty(arguments.text))
        {
            // Bad input gets an error reply that says how to fix it; the agent keeps serving.
            throw new AgentRpcException(AgentRpcErrorCodes.BadRequest, "echo needs a \"text\" field: send {\"action\": \"echo\", \"text\": \"...\"}.");
        }

        return ValueTask.FromResult<object?>(new
        {
            text = arguments.text,
            greeting = configuration["Fleet:Agent:Settings:greeting"] ?? "hello",
        });
    }
}
