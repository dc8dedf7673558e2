namespace Fleet.Sdk.Testing;

/// <summary>One nats-server of a <see cref="NatsClusterConfiguration"/>: its name (also its network alias), the configuration file and the command that loads it.</summary>
/// <param name="Name">The server name and network alias, <c>nats-1</c>, <c>nats-2</c>, ...</param>
/// <param name="ConfigurationText">The nats-server configuration file.</param>
/// <param name="Command">The container command: the arguments after the image's <c>nats-server</c> entry point.</param>
public sealed record NatsNodeConfiguration(string Name, string ConfigurationText, IReadOnlyList<string> Command);
