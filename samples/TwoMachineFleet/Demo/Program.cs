// The two-machine fleet demo (./eng/build.sh demo). Two simulated machines on this one:
// mainpc (127.0.0.2) runs ModelAgent, pc2 (127.0.0.3) runs GatewayAgent, and every byte between
// them goes through a fault proxy (Fleet.Sdk.Testing's FleetCluster). The demo calls the gateway,
// which calls the model across machines; cuts the link and shows the gateway answering degraded
// instead of hanging; heals it; places models on the two machines' GPUs (VRAM leases, variants, a
// request that does not fit); then stops both agents with SIGTERM and checks their exit codes.
// Embedded defaults (static discovery, in-process GPU ledger); with --redis, a real redis-server
// behind the fault proxy holds the registry and the GPU ledger; with --nats, a three-node NATS
// JetStream cluster (mainpc, pc2 and a third voter, "witness") holds them, and the demo kills the
// cluster's leader partway through. Exits 0 when every step behaved as described.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Fleet.Sdk.Config;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var clock = Stopwatch.StartNew();
var failures = new List<string>();
var workDirectory = Directory.CreateTempSubdirectory("fleet-demo-").FullName;
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

var useRedis = args.Contains("--redis");
var useNats = args.Contains("--nats");
if (args.Except(["--redis", "--nats"]).FirstOrDefault() is { } unknown || (useRedis && useNats))
{
    Console.Error.WriteLine($"error: {(useRedis && useNats ? "give --redis or --nats, not both" : $"unknown argument '{args.Except(["--redis", "--nats"]).First()}'")}. " +
        "Usage: demo [--redis | --nats]  (--redis: a real redis-server holds the registry and the GPU ledger; --nats: a three-node NATS JetStream cluster does, and its leader is killed partway)");
    return 2;
}

await using var cluster = await FleetCluster.StartAsync(useNats ? ["mainpc", "pc2", "witness"] : ["mainpc", "pc2"]);
await using var redis = useRedis ? await RedisServer.StartAsync() : null;
if (redis is not null)
{
    await cluster.AddRedisAsync(redis);
}

NatsCluster? nats = null;
if (useNats)
{
    var natsOptions = new NatsClusterOptions();
    natsOptions.Machines.Clear();
    foreach (var machine in new[] { "mainpc", "pc2", "witness" })
    {
        natsOptions.Machines.Add(machine);
    }

    nats = await NatsCluster.StartAsync(cluster, natsOptions);
}

await using var natsCluster = nats;

var mainpc = cluster["mainpc"].Address;
var pc2 = cluster["pc2"].Address;
int modelPort = FreePort(mainpc), modelHealth = FreePort(mainpc), gatewayPort = FreePort(pc2), gatewayHealth = FreePort(pc2);
await cluster.AddServiceAsync("mainpc", "ModelAgent", modelPort);
var modelFromPc2 = cluster.GetAddress("pc2", "ModelAgent");

Step($"Simulated machines: mainpc at {mainpc}, pc2 at {pc2}; pc2 reaches ModelAgent through the fault proxy at {modelFromPc2}.");
Step(nats is not null
    ? $"NATS JetStream on three machines (mainpc, pc2 and witness, the third voter two machines need for a quorum): the registry and the GPU ledger; cluster routes and clients go through the fault proxy. JetStream leader: {await nats.WaitForLeaderAsync(TimeSpan.FromSeconds(60))}."
    : redis is null
    ? "Embedded defaults: discovery from the topology, an in-process GPU ledger (run with --redis for a real Redis, --nats for a NATS cluster)."
    : $"Redis at {redis.ConnectionString} on its own machine: the registry and the GPU ledger; each machine reaches it through its own link.");
var variables = new Dictionary<string, string>
{
    ["MAINPC_IP"] = mainpc.ToString(),
    ["PC2_IP"] = pc2.ToString(),
    ["MODEL_PORT"] = $"{modelPort}",
    ["MODEL_HEALTH_PORT"] = $"{modelHealth}",
    ["GATEWAY_PORT"] = $"{gatewayPort}",
    ["GATEWAY_HEALTH_PORT"] = $"{gatewayHealth}",
    ["MODEL_ENDPOINT"] = $"tcp://{modelFromPc2}",
};

using var model = StartAgent("ModelAgent", variables);
await WaitHealthyAsync("ModelAgent", model, new Uri($"http://{mainpc}:{modelHealth}/health"), "ok");
using var gateway = StartAgent("GatewayAgent", variables);
await WaitHealthyAsync("GatewayAgent", gateway, new Uri($"http://{pc2}:{gatewayHealth}/health"), "ok");

using var context = new ZmqContext(new FleetMessagingOptions { AgentName = "demo" });
using var client = new AgentRpcClient(context, new AgentRpcClientOptions { Endpoints = { $"tcp://{pc2}:{gatewayPort}" }, Timeout = TimeSpan.FromSeconds(5), MaxRetries = 0 });

Step("1. Calls across machines: the demo asks GatewayAgent (pc2), which asks ModelAgent (mainpc).");
foreach (var question in new[] { "hello fleet", "two machines" })
{
    var reply = await client.CallAsync("ask", new { question });
    Show(question, reply);
    Expect(!reply.GetProperty("degraded").GetBoolean(), "a healthy fleet answers from the model");
}

var zmqHealth = await client.CallAsync("health_check");
Step($"   health_check over ZeroMQ (what the Python agents send) -> status \"{zmqHealth.GetProperty("status").GetString()}\", state {zmqHealth.GetProperty("state").GetString()}");
Expect(zmqHealth.GetProperty("status").GetString() == "ok", "health_check answers ok");
await ShowHealthAsync("GatewayAgent", new Uri($"http://{pc2}:{gatewayHealth}/health"));

// The GPU ledger's host starts now: with NATS it creates the ledger's R3 bucket, which JetStream can place
// only while all three nodes run (a replicated bucket that exists keeps working on two of them).
using var gpuHost = await StartGpuHostAsync();

if (nats is not null)
{
    var leader = await nats.WaitForLeaderAsync(TimeSpan.FromSeconds(30));
    Step($"1b. The NATS JetStream leader, the node on {leader}, is killed (SIGKILL); the two others elect a new one.");
    var killed = Stopwatch.StartNew();
    await nats.KillAsync(leader);
    string? next = null;
    await PollAsync(async () => (next = await nats.GetMetaLeaderAsync()) is { } machine && machine != leader, TimeSpan.FromSeconds(30));
    Expect(next is not null, $"a new leader is elected ({next ?? "none"}, {killed.ElapsedMilliseconds} ms after the kill)");
    Expect(await PollAsync(async () => await HealthStatusAsync(new Uri($"http://{pc2}:{gatewayHealth}/health")) == "ok", TimeSpan.FromSeconds(30)),
        "the gateway stays (or is again) healthy on the remaining two nodes");
    var reply = await client.CallAsync("ask", new { question = "still here?" });
    Show("still here?", reply);
    Expect(!reply.GetProperty("degraded").GetBoolean(), "calls across machines go on without the killed node");
    await ShowHealthAsync("GatewayAgent", new Uri($"http://{pc2}:{gatewayHealth}/health"));

    // The ledger's bucket elects a new leader of its own; a grant is retried until it has one.
    var probe = Stopwatch.StartNew();
    GpuLease? granted = null;
    await PollAsync(
        async () =>
        {
            try
            {
                granted = (await gpuHost.Services.GetRequiredService<IGpuScheduler>().AcquireAsync(new GpuRequest("probe", 1024), TimeSpan.Zero)).Lease;
                return granted is not null;
            }
            catch (GpuLedgerUnavailableException)
            {
                return false;
            }
        },
        TimeSpan.FromSeconds(30));
    Expect(granted is not null, $"the GPU ledger grants a lease on the two remaining nodes ({(granted is null ? "none" : $"{granted.Machine} GPU {granted.GpuIndex}, fencing token {granted.FencingToken}")}, {probe.ElapsedMilliseconds} ms)");
    if (granted is not null)
    {
        await granted.DisposeAsync();
    }

    // Two machines alone are not a quorum: with the witness down, cutting mainpc from pc2 (step 2) would stop every
    // write. The killed node comes back first, with its data, and catches up.
    Step($"   The node on {leader} restarts with its data (two machines without the witness could not outvote a cut).");
    await nats.RestartAsync(leader, keepData: true);
    await nats.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
    Expect(await nats.GetMetaLeaderAsync() is not null, "all three nodes agree on a leader again");
}

Step("2. The link between mainpc and pc2 is cut (every byte dropped, connections left hanging).");
await cluster.PartitionAsync("mainpc", "pc2");
var timer = Stopwatch.StartNew();
var cut = await client.CallAsync("ask", new { question = "are you there?" });
Show("are you there?", cut);
Step($"   answered in {timer.ElapsedMilliseconds} ms: the gateway's call to mainpc has a 1 s deadline instead of hanging.");
Expect(cut.GetProperty("degraded").GetBoolean(), "with the link cut the gateway answers from its fallback");
Expect(await PollAsync(async () => await HealthStatusAsync(new Uri($"http://{pc2}:{gatewayHealth}/health")) == "degraded", TimeSpan.FromSeconds(15)),
    "the gateway reports itself degraded");
await ShowHealthAsync("GatewayAgent", new Uri($"http://{pc2}:{gatewayHealth}/health"));

Step("3. The link heals; the gateway probes ModelAgent every second and recovers by itself.");
await cluster.HealAsync();
Expect(await PollAsync(async () => await HealthStatusAsync(new Uri($"http://{pc2}:{gatewayHealth}/health")) == "ok", TimeSpan.FromSeconds(30)),
    "the gateway is healthy again");
var healed = await PollForAsync(async () =>
{
    var reply = await client.CallAsync("ask", new { question = "back?" });
    return reply.GetProperty("degraded").GetBoolean() ? null : (JsonElement?)reply;
}, TimeSpan.FromSeconds(30));
if (healed is { } answer)
{
    Show("back?", answer);
}

Expect(healed is not null, "after healing the model answers again");
await ShowHealthAsync("GatewayAgent", new Uri($"http://{pc2}:{gatewayHealth}/health"));

Step("4. Models placed on the two machines' GPUs (RTX 4090 24 GB on mainpc, RTX 3060 12 GB on pc2; 512 MiB kept free on each).");
await PlaceModelsAsync();

Step("5. Graceful shutdown: SIGTERM to both agents (drain, deregister, close sockets, flush logs).");
foreach (var (name, process) in new[] { ("GatewayAgent", gateway), ("ModelAgent", model) })
{
    Terminate(process);
    var exited = process.WaitForExit(TimeSpan.FromSeconds(20));
    Step($"   {name} exited with code {(exited ? process.ExitCode : -1)}{(exited ? string.Empty : " (did not exit within 20 s)")}");
    Expect(exited && process.ExitCode == 0, $"{name} exits 0 after SIGTERM");
}

Console.WriteLine();
if (failures.Count == 0)
{
    Step($"Done in {clock.Elapsed.TotalSeconds:0.0} s: calls across machines, degraded mode during the cut, recovery after the heal, models placed on both GPUs, clean shutdown. Agent logs: {workDirectory}");
    return 0;
}

Step($"{failures.Count} step(s) did not behave as described: {string.Join("; ", failures)}. Agent logs: {workDirectory}");
return 1;

void Step(string text) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0}s] {text}");

void Expect(bool condition, string what)
{
    Step($"   {(condition ? "OK  " : "FAIL")} {what}");
    if (!condition)
    {
        failures.Add(what);
    }
}

void Show(string question, JsonElement reply) =>
    Step($"   ask \"{question}\" -> \"{reply.GetProperty("answer").GetString()}\" (served by {reply.GetProperty("served_by").GetString()}{(reply.TryGetProperty("reason", out var reason) ? $", reason {reason.GetString()}" : string.Empty)})");

Process StartAgent(string name, Dictionary<string, string> environment)
{
    var path = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == name).Value!;
    var info = new ProcessStartInfo("dotnet")
    {
        WorkingDirectory = Path.GetDirectoryName(path)!,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    info.ArgumentList.Add(path!);
    info.ArgumentList.Add($"--Fleet:Agent:Name={name}");
    info.ArgumentList.Add($"--Fleet:Paths:Logs={Path.Combine(workDirectory, "logs")}");
    info.ArgumentList.Add("--Fleet:Logging:Console:Enabled=false");
    if (redis is not null)
    {
        info.ArgumentList.Add($"--Fleet:Coordination:Redis:ConnectionString={cluster.GetAddress(name == "ModelAgent" ? "mainpc" : "pc2", "redis")}");
    }

    if (nats is not null)
    {
        info.ArgumentList.Add($"--Fleet:Coordination:Nats:Servers={nats.GetServers(name == "ModelAgent" ? "mainpc" : "pc2")}");
    }

    foreach (var (key, value) in environment)
    {
        info.Environment[key] = value;
    }

    var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {path}");
    var output = File.CreateText(Path.Combine(workDirectory, $"{name}.out"));
    output.AutoFlush = true;
    process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.WriteLine(e.Data); } } };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.WriteLine(e.Data); } } };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    Step($"Started {name} (pid {process.Id}).");
    return process;
}

async Task<IHost> StartGpuHostAsync()
{
    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = workDirectory });
    var settings = new Dictionary<string, string?>
    {
        ["Fleet:Gpu:Ledger"] = redis is null && nats is null ? "InProcess" : "Auto",
        ["Fleet:Gpu:Machine"] = "mainpc",
        ["Fleet:Gpu:RequireLiveMachine"] = "false",
        ["Fleet:Gpu:ReportThisMachine"] = "false",
        ["Fleet:Gpu:Devices:0:Machine"] = "mainpc",
        ["Fleet:Gpu:Devices:0:Name"] = "RTX 4090",
        ["Fleet:Gpu:Devices:0:VramMib"] = "24576",
        ["Fleet:Gpu:Devices:1:Machine"] = "pc2",
        ["Fleet:Gpu:Devices:1:Name"] = "RTX 3060",
        ["Fleet:Gpu:Devices:1:VramMib"] = "12288",
        ["Fleet:Discovery:Machine"] = "mainpc",
    };
    if (redis is not null)
    {
        settings["Fleet:Coordination:Redis:ConnectionString"] = cluster.GetAddress("mainpc", "redis");
    }

    if (nats is not null)
    {
        settings["Fleet:Coordination:Nats:Servers"] = nats.GetServers("mainpc");
    }

    builder.Configuration.AddInMemoryCollection(settings);
    builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
    builder.Services.AddFleetGpuScheduling();
    var host = builder.Build();
    await host.StartAsync();
    Step($"GPU scheduling ready on mainpc: {(await host.Services.GetRequiredService<IGpuScheduler>().GetStatusAsync()).Count} GPUs in the ledger.");
    return host;
}

async Task PlaceModelsAsync()
{
    var scheduler = gpuHost.Services.GetRequiredService<IGpuScheduler>();
    var leases = new List<GpuLease>();
    var requests = new[]
    {
        (Request: new GpuRequest("llama-13b", 14336, Priority: 10) { Variant = "fp16", Fallbacks = [new GpuVariant("int8", 8192)] }, Expected: "mainpc"),
        (Request: new GpuRequest("whisper-large", 10240, Priority: 5), Expected: "pc2"),
        (Request: new GpuRequest("mistral-7b", 14336, Priority: 5) { Variant = "fp16", Fallbacks = [new GpuVariant("int8", 8192)] }, Expected: "mainpc"),
        (Request: new GpuRequest("sdxl", 6144, Priority: 1), Expected: (string?)null),
    };
    foreach (var (request, expected) in requests)
    {
        var result = await scheduler.AcquireAsync(request, TimeSpan.Zero);
        if (result.Lease is { } lease)
        {
            leases.Add(lease);
            Step($"   {request.Workload}: {lease.Variant} ({lease.VramMib} MiB) on {lease.Machine} GPU {lease.GpuIndex}, fencing token {lease.FencingToken}");
        }
        else
        {
            Step($"   {request.Workload} ({request.VramMib} MiB): does not fit: {result.Reason}; candidates: {string.Join("; ", result.Candidates)}");
        }

        Expect(result.Lease?.Machine == expected, expected is null ? $"{request.Workload} is refused with the reason and the best candidates" : $"{request.Workload} is placed on {expected}");
    }

    foreach (var status in await scheduler.GetStatusAsync())
    {
        Step($"   {status.Machine} GPU {status.GpuIndex} {status.GpuName}: {status.ReservedMib} of {status.CapacityMib} MiB leased to {string.Join(", ", status.Leases.Select(l => $"{l.Workload}/{l.Variant}"))}");
    }

    foreach (var lease in leases)
    {
        await lease.DisposeAsync();
    }

    await gpuHost.StopAsync();
}

async Task WaitHealthyAsync(string name, Process process, Uri health, string status)
{
    var ok = await PollAsync(async () => process.HasExited ? throw new InvalidOperationException($"{name} exited with code {process.ExitCode}; see {workDirectory}/{name}.out") : await HealthStatusAsync(health) == status, TimeSpan.FromSeconds(60));
    Expect(ok, $"{name} reports \"{status}\" on {health}");
    if (!ok)
    {
        throw new InvalidOperationException($"{name} did not become healthy; see {workDirectory}/{name}.out");
    }
}

async Task<string?> HealthStatusAsync(Uri health)
{
    try
    {
        using var response = await http.GetAsync(health);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString();
    }
    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
    {
        return null;
    }
}

async Task ShowHealthAsync(string name, Uri health)
{
    using var response = await http.GetAsync(health);
    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    var root = body.RootElement;
    var dependencies = root.GetProperty("dependencies").EnumerateObject()
        .Select(d => $"{d.Name} {d.Value.GetProperty("status").GetString()}{(d.Value.TryGetProperty("error", out var e) ? $" ({e.GetString()})" : string.Empty)}");
    Step($"   GET {health} -> {(int)response.StatusCode} {root.GetProperty("status").GetString()}; dependencies: {string.Join(", ", dependencies)}");
}

static async Task<bool> PollAsync(Func<Task<bool>> condition, TimeSpan timeout)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < timeout)
    {
        if (await condition())
        {
            return true;
        }

        await Task.Delay(200);
    }

    return false;
}

static async Task<T?> PollForAsync<T>(Func<Task<T?>> attempt, TimeSpan timeout)
    where T : struct
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < timeout)
    {
        if (await attempt() is { } value)
        {
            return value;
        }

        await Task.Delay(200);
    }

    return null;
}

static int FreePort(IPAddress address)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Bind(new IPEndPoint(address, 0));
    return ((IPEndPoint)socket.LocalEndPoint!).Port;
}

static void Terminate(Process process)
{
    using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
    kill?.WaitForExit();
}
