using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.Config;

/// <summary>
/// Which machine this process runs on and which agent it is: the one answer every Fleet.Sdk package
/// uses (discovery registrations and same-machine preference, GPU lease holders, the agent host,
/// the RPC caller and <c>health_check</c> name, log lines, the Redis client name).
/// </summary>
/// <remarks>
/// <para>The first value set (not empty) wins:</para>
/// <list type="bullet">
/// <item><description><see cref="Machine"/>: <c>Fleet:Machine:Name</c> (<c>FLEET__MACHINE__NAME</c>; the topology
/// fills it for the selected machine), then <c>Fleet:Agent:Machine</c> (the selected agent's machine in the
/// topology, or <c>FLEET__AGENT__MACHINE</c>), then the operating system's host name.</description></item>
/// <item><description><see cref="Agent"/>: <c>Fleet:Agent:Name</c> (<c>FLEET__AGENT__NAME</c>), then the host's
/// application name (<see cref="IHostEnvironment.ApplicationName"/>), then the entry assembly's name.</description></item>
/// </list>
/// <para>
/// A package option set explicitly still wins for that package only: <c>Fleet:Discovery:Machine</c>
/// (discovery, the agent host's registration and GPU scheduling), <c>Fleet:Gpu:Machine</c>,
/// <c>Fleet:Hosting:ServiceName</c>, <c>Fleet:Messaging:AgentName</c>, <c>Fleet:Logging:AgentName</c> and
/// <c>Fleet:Logging:MachineName</c>. To set the identity in code, register a <see cref="FleetIdentity"/>
/// before the Fleet.Sdk packages.
/// </para>
/// </remarks>
public sealed class FleetIdentity
{
    /// <summary>The configuration key of the machine's name.</summary>
    public const string MachineNameKey = "Fleet:Machine:Name";

    /// <summary>The configuration key of the agent's machine.</summary>
    public const string AgentMachineKey = "Fleet:Agent:Machine";

    /// <summary>The configuration key of the agent's name.</summary>
    public const string AgentNameKey = "Fleet:Agent:Name";

    /// <summary>Initializes a new instance of the <see cref="FleetIdentity"/> class.</summary>
    /// <param name="machine">The machine's name.</param>
    /// <param name="agent">The agent's name.</param>
    /// <exception cref="ArgumentException">A name is empty.</exception>
    public FleetIdentity(string machine, string agent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(machine);
        ArgumentException.ThrowIfNullOrWhiteSpace(agent);
        Machine = machine;
        Agent = agent;
    }

    /// <summary>Gets the name of the machine this process runs on.</summary>
    public string Machine { get; }

    /// <summary>Gets the name of the agent this process runs.</summary>
    public string Agent { get; }

    /// <summary>Works the identity out of <paramref name="configuration"/>, in the order given in the remarks of <see cref="FleetIdentity"/>.</summary>
    /// <param name="configuration">The configuration; <see langword="null"/> reads the process environment (<c>FLEET__MACHINE__NAME</c>, <c>FLEET__AGENT__NAME</c>...).</param>
    /// <param name="environment">The host's environment, for its application name; or <see langword="null"/>.</param>
    /// <returns>The identity.</returns>
    public static FleetIdentity Resolve(IConfiguration? configuration, IHostEnvironment? environment = null)
    {
        configuration ??= new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var machine = Value(configuration[MachineNameKey])
            ?? Value(configuration[AgentMachineKey])
            ?? System.Environment.MachineName;
        var agent = Value(configuration[AgentNameKey])
            ?? Value(environment?.ApplicationName)
            ?? AppDomain.CurrentDomain.FriendlyName;
        return new FleetIdentity(machine, agent);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Agent} on {Machine}";

    private static string? Value(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
