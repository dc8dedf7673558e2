using FleetAgent1.Handlers;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);

// Configuration (config/fleet.yaml + config/overrides/{machine}.yaml + environment), paths,
// logging, security, the ZeroMQ RPC server, discovery, health, metrics and graceful shutdown.
builder.AddFleetAgentDefaults();

// Your actions. Add one class per action, or builder.MapAction("name", request => ...).
builder.AddAgentHandler<EchoHandler>();

using var host = builder.Build();

// 0 after SIGTERM once in-flight requests finished; see FleetAgentExitCodes for the others.
return await host.RunFleetAgentAsync();
