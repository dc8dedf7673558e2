// The two-machine fleet demo (./eng/build.sh demo). Two simulated machines on this one:
// mainpc (127.0.0.2) runs ModelAgent, pc2 (127.0.0.3) runs GatewayAgent, and every byte between
// them goes through a fault proxy (Fleet.Sdk.Testing's FleetCluster). The demo calls the gateway,
// which calls the model across machines; cuts the link and shows the gateway answering degraded
// instead of hanging; heals it; then stops both agents with SIGTERM and checks their exit codes.
// Exits 0 when every step behaved as described.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Testing;

var clock = Stopwatch.StartNew();
var failures = new List<string>();
var workDirectory = Directory.CreateTempSubdirectory("fleet-demo-").FullName;
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

await using var cluster = await FleetCluster.StartAsync(["mainpc", "pc2"]);
var mainpc = cluster["mainpc"].Address;
var pc2 = cluster["pc2"].Address;
int modelPort = FreePort(mainpc), modelHealth = FreePort(mainpc), gatewayPort = FreePort(pc2), gatewayHealth = FreePort(pc2);
await cluster.AddServiceAsync("mainpc", "ModelAgent", modelPort);
var modelFromPc2 = cluster.GetAddress("pc2", "ModelAgent");

Step($"Simulated machines: mainpc at {mainpc}, pc2 at {pc2}; pc2 reaches ModelAgent through the fault proxy at {modelFromPc2}.");
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

Step("4. Graceful shutdown: SIGTERM to both agents (drain, deregister, close sockets, flush logs).");
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
    Step($"Done in {clock.Elapsed.TotalSeconds:0.0} s: calls across machines, degraded mode during the cut, recovery after the heal, clean shutdown. Agent logs: {workDirectory}");
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
