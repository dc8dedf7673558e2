namespace Fleet.Cli.Deploy;

/// <summary>A port a service publishes on its machine's address.</summary>
/// <param name="Port">The port (the same inside and outside the container).</param>
/// <param name="Kind">What it is for: <c>port</c>, <c>health</c>, <c>client</c>...</param>
internal sealed record DeployPort(int Port, string Kind);
