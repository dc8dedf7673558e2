// ModelAgent: the mainpc half of the sample fleet. It serves "generate" (a stand-in for a model)
// and, through the host, health_check, /health, /alive and /metrics.
using Fleet.Sdk.Hosting;
using Fleet.Sdk.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddFleetAgentDefaults();
builder.AddAgentHandler<GenerateHandler>();

using var host = builder.Build();
return await host.RunFleetAgentAsync();

/// <summary>Arguments of "generate".</summary>
/// <param name="prompt">The prompt.</param>
internal sealed record GenerateRequest(string prompt);

/// <summary>"generate": echoes the prompt as the configured model would answer it.</summary>
[AgentAction("generate")]
internal sealed class GenerateHandler(IConfiguration configuration) : IAgentHandler
{
    public ValueTask<object?> HandleAsync(RpcRequest request, CancellationToken cancellationToken)
    {
        var arguments = request.GetArguments<GenerateRequest>();
        var model = configuration["Fleet:Agent:Settings:model"] ?? "unknown";
        var machine = configuration["Fleet:Machine:Name"] ?? Environment.MachineName;
        return ValueTask.FromResult<object?>(new
        {
            text = $"{model} says: {new string(arguments.prompt.Reverse().ToArray())}",
            served_by = $"ModelAgent@{machine}",
        });
    }
}
