namespace Fleet.Sdk.Messaging;

/// <summary>Gives the agent's RPC clients for the services configured under <c>Fleet:Messaging:Services</c>.</summary>
public interface IAgentRpcClientFactory
{
    /// <summary>Gets the client of a configured service; the same instance every time, owned (and disposed) by the factory.</summary>
    /// <param name="service">The service name, a key of <c>Fleet:Messaging:Services</c> (case-insensitive).</param>
    /// <returns>The client.</returns>
    /// <exception cref="KeyNotFoundException">No such service is configured; the message lists the configured ones.</exception>
    AgentRpcClient GetClient(string service);
}
