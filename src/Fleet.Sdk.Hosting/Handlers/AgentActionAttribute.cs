namespace Fleet.Sdk.Hosting;

/// <summary>Names the action an <see cref="IAgentHandler"/> serves (exact and case-sensitive, like the Python agents).</summary>
/// <param name="name">The action name, for example <c>generate</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AgentActionAttribute(string name) : Attribute
{
    /// <summary>Gets the action name.</summary>
    public string Name { get; } = name;
}
