using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// The actions a server handles, by name (exact, case-sensitive, as the Python agents compare
/// them). <c>health_check</c> is built in unless you add your own.
/// </summary>
public sealed class AgentRpcHandlers
{
    /// <summary>The built-in health check's action name.</summary>
    public const string HealthCheckAction = "health_check";

    private readonly Dictionary<string, AgentRpcHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>Gets the registered actions (the built-in <c>health_check</c> not included).</summary>
    public IReadOnlyCollection<string> Actions => _handlers.Keys;

    /// <summary>Gets or sets the options used to serialize replies and deserialize arguments.</summary>
    /// <value>The default value is <see cref="JsonSerializerOptions.Default"/> (names as declared).</value>
    public JsonSerializerOptions SerializerOptions { get; set; } = JsonSerializerOptions.Default;

    /// <summary>Adds an asynchronous handler.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>This collection, for chaining.</returns>
    /// <exception cref="ArgumentException">The action already has a handler.</exception>
    public AgentRpcHandlers Add(string action, AgentRpcHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(action, handler))
        {
            throw MessagingErrors.DuplicateAction(action);
        }

        return this;
    }

    /// <summary>Adds a synchronous handler.</summary>
    /// <param name="action">The action name.</param>
    /// <param name="handler">The handler; its return value is the reply.</param>
    /// <returns>This collection, for chaining.</returns>
    public AgentRpcHandlers Add(string action, Func<RpcRequest, object?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(action, (request, _) => ValueTask.FromResult(handler(request)));
    }

    internal bool TryGet(string action, [NotNullWhen(true)] out AgentRpcHandler? handler) => _handlers.TryGetValue(action, out handler);
}
