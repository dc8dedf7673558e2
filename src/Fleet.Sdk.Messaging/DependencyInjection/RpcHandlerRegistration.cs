using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Messaging;

/// <summary>One action registered through <see cref="FleetMessagingBuilderExtensions"/>.</summary>
internal sealed record RpcHandlerRegistration(string Action, Func<IServiceProvider, AgentRpcHandler> Factory);
