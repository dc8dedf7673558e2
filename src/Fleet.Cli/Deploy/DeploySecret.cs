namespace Fleet.Cli.Deploy;

/// <summary>A secret handed to a service as a file: compose mounts it under /run/secrets, systemd loads it as a credential.</summary>
/// <param name="Name">The secret's name inside the service.</param>
/// <param name="File">The file on the machine that holds it.</param>
internal sealed record DeploySecret(string Name, string File);
