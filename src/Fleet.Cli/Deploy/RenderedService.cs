namespace Fleet.Cli.Deploy;

/// <summary>A service as a manifest records it, for <c>fleet deploy diff</c>.</summary>
/// <param name="Id">The service id.</param>
/// <param name="Runs">Its image, build context or executable.</param>
/// <param name="Ports">Its published ports.</param>
internal sealed record RenderedService(string Id, string Runs, IReadOnlyList<int> Ports);
