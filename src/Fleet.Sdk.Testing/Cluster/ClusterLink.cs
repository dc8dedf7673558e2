using System.Net;

namespace Fleet.Sdk.Testing;

/// <summary>
/// One directed link of a cluster: how machine <see cref="From"/> reaches service
/// <see cref="Service"/> on machine <see cref="To"/>, through its own proxy.
/// </summary>
/// <param name="From">The machine that dials.</param>
/// <param name="To">The machine that runs the service.</param>
/// <param name="Service">The service name.</param>
/// <param name="ProxyName">The Toxiproxy proxy carrying the link, for custom toxics through <see cref="FleetCluster.Toxiproxy"/>.</param>
/// <param name="EndPoint">The address <see cref="From"/> dials (the proxy, on <see cref="To"/>'s address).</param>
/// <param name="Upstream">The service's real address.</param>
public sealed record ClusterLink(string From, string To, string Service, string ProxyName, IPEndPoint EndPoint, IPEndPoint Upstream);
