using System.Globalization;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Every exception the harness throws is built here, so each says what failed, why, and what to
/// do about it (the option, variable or package to set or install).
/// </summary>
internal static class TestingErrors
{
    public static ArgumentException InvalidApiHost(string host) => new(
        $"The fault proxy API host '{host}' is not an IP address or 'localhost'. Set FaultProxyServerOptions.Host (or --host) to an address such as 127.0.0.1.",
        nameof(host));

    public static ArgumentOutOfRangeException InvalidApiPort(int port) => new(
        nameof(port),
        port,
        "The fault proxy API port must be between 0 and 65535 (0 picks a free port). Set FaultProxyServerOptions.Port (or --port).");

    public static IOException ApiBindFailed(string host, int port, Exception inner) => new(
        string.Create(CultureInfo.InvariantCulture, $"The fault proxy API could not listen on {host}:{port}: {inner.InnerException?.Message ?? inner.Message}. Stop whatever uses that port, or choose another one (0 picks a free port)."),
        inner);

    public static ToxiproxyException ApiError(string method, Uri uri, int status, string? error, string body) => new(
        status,
        error,
        string.Create(CultureInfo.InvariantCulture, $"Toxiproxy answered {method} {uri} with {status}: {error ?? (body.Length == 0 ? "(empty body)" : body.Trim())}."));

    public static ToxiproxyException ApiUnreachable(string method, Uri uri, Exception inner) => new(
        0,
        null,
        $"Toxiproxy did not answer {method} {uri}: {inner.Message}. Is the server running? Start one with `fleet chaos serve`, FaultProxyServer.StartAsync(), or set TOXIPROXY_URL to a running Toxiproxy.",
        inner);

    public static ToxiproxyException InvalidApiResponse(string method, Uri uri, string detail) => new(
        0,
        null,
        $"Toxiproxy answered {method} {uri} with a body this client cannot read ({detail}). Is TOXIPROXY_URL pointing at a Toxiproxy 2.x server?");

    public static ArgumentException InvalidToxiproxyUrl(string value) => new(
        $"TOXIPROXY_URL='{value}' is not an absolute http:// URL. Set it to the Toxiproxy API address, for example http://127.0.0.1:8474, or unset it to use the in-process fault proxy.",
        nameof(value));

    public static FileNotFoundException RedisServerNotFound(string? configured) => new(
        configured is null
            ? "redis-server was not found on PATH, in /usr/bin or in /usr/local/bin. Install it (Debian: apt-get install redis-server, or ./eng/build.sh prereqs), set RedisServerOptions.ExecutablePath, or point FLEET_TEST_REDIS=host:port at a running Redis."
            : $"RedisServerOptions.ExecutablePath '{configured}' does not exist. Point it at a redis-server binary, or leave it unset to search PATH.");

    public static InvalidOperationException RedisDidNotStart(string endpoint, TimeSpan waited, string reason, string logTail) => new(
        string.Create(CultureInfo.InvariantCulture, $"redis-server did not answer PING on {endpoint} within {waited.TotalSeconds:0.#} s: {reason}.{(logTail.Length > 0 ? $" Its log ends with:\n{logTail}" : string.Empty)}"));

    public static InvalidOperationException ExternalRedisUnreachable(string endpoint, TimeSpan waited, string reason) => new(
        string.Create(CultureInfo.InvariantCulture, $"FLEET_TEST_REDIS={endpoint}: no Redis answered PING there within {waited.TotalSeconds:0.#} s ({reason}). Start that server, or unset FLEET_TEST_REDIS so the tests start redis-server themselves."));

    public static ArgumentException InvalidExternalRedis(string value) => new(
        $"FLEET_TEST_REDIS='{value}' is not host:port. Set it to the address of a running Redis, for example 127.0.0.1:6379, or unset it.",
        nameof(value));

    public static InvalidOperationException ExternalRedisNotControllable(string endpoint, string operation) => new(
        $"{operation} needs a redis-server process this harness started, but FLEET_TEST_REDIS={endpoint} points at an external server. Unset FLEET_TEST_REDIS to run tests that kill, restart or pause Redis.");

    public static InvalidOperationException RedisNotRunning(string operation) => new(
        $"{operation} needs a running redis-server, but it was killed. Call RestartAsync first.");

    public static ObjectDisposedException Disposed(string what) => new(what);

    public static ArgumentException UnknownMachine(string name, IEnumerable<string> known) => new(
        $"The cluster has no machine named '{name}'. Known machines: {string.Join(", ", known)}. Add it with AddMachineAsync(\"{name}\").",
        nameof(name));

    public static ArgumentException DuplicateMachine(string name) => new(
        $"The cluster already has a machine named '{name}'. Machine names are unique.",
        nameof(name));

    public static ArgumentException InvalidName(string what, string name) => new(
        $"'{name}' is not a valid {what} name: use letters, digits, '-', '_' or '.'.",
        nameof(name));

    public static ArgumentException DuplicateService(string service, string machine) => new(
        $"Machine '{machine}' already has a service named '{service}'.",
        nameof(service));

    public static ArgumentException UnknownService(string service, string? machine, IEnumerable<string> known) => new(
        machine is null
            ? $"No machine in the cluster runs a service named '{service}'. Known services: {string.Join(", ", known)}. Add it with AddServiceAsync."
            : $"Machine '{machine}' runs no service named '{service}'. Known services: {string.Join(", ", known)}. Add it with AddServiceAsync.",
        nameof(service));

    public static ArgumentException AmbiguousService(string service, IEnumerable<string> machines) => new(
        $"Several machines run a service named '{service}' ({string.Join(", ", machines)}): say which with GetEndpoint(from, service, on).",
        nameof(service));

    public static ArgumentException SameMachine(string name) => new(
        $"'{name}' was given as both ends of a link; a machine has no link to itself.",
        nameof(name));

    public static ArgumentOutOfRangeException InvalidProxyCount(int value, int max) => new(
        "proxies",
        value,
        string.Create(CultureInfo.InvariantCulture, $"A Toxiproxy container publishes between 0 and {max} proxy ports (proxy index 0 to {max - 1}); each must be published when the container starts. Ask for fewer proxies, or start a second container."));

    public static ArgumentOutOfRangeException InvalidNatsNodeCount(int nodes) => new(
        nameof(nodes),
        nodes,
        "A NATS cluster in containers has 1 to 9 nodes (3 for a JetStream quorum that survives one loss).");

    public static ArgumentException InvalidNatsClusterName(string? name) => new(
        $"The NATS cluster name '{name}' must be non-empty letters, digits, '-' and '_' (it goes into the nats-server configuration unquoted).",
        "clusterName");

    public static InvalidOperationException NoDockerEngine(string? reason) => new(
        $"The container fixtures need a Docker engine, and {reason}. Start one (or set DOCKER_HOST to it), or use the process fixtures: RedisServer, and FLEET_TEST_FIXTURES unset.");

    public static FileNotFoundException NatsServerNotFound(string? configured) => new(
        configured is null
            ? "nats-server was not found on PATH, in /usr/sbin, /usr/bin or /usr/local/bin. Install it (Debian: apt-get install nats-server, or ./eng/build.sh prereqs), or set NatsServerOptions.ExecutablePath."
            : $"NatsServerOptions.ExecutablePath '{configured}' does not exist. Point it at a nats-server binary, or leave it unset to search PATH.");

    public static InvalidOperationException NatsDidNotStart(string endpoint, TimeSpan waited, string reason, string logTail) => new(
        string.Create(CultureInfo.InvariantCulture, $"nats-server on {endpoint} did not become ready within {waited.TotalSeconds:0.#} s ({reason}). Its log ends with:\n{logTail}"));

    public static InvalidOperationException NatsNotRunning(string operation) => new(
        $"{operation} needs a running nats-server, but it was killed; call RestartAsync first.");

    public static ArgumentException NoNatsNode(string machine, IEnumerable<string> machines) => new(
        $"No NATS node runs on machine '{machine}'. Nodes run on: {string.Join(", ", machines)}.",
        nameof(machine));

    public static ArgumentException NatsClusterMachines(IEnumerable<string> machines) => new(
        $"NatsClusterOptions.Machines must name one or more distinct machines (three for a quorum that survives a loss), but was: [{string.Join(", ", machines)}].",
        nameof(machines));

    public static TimeoutException NatsNoLeader(TimeSpan waited, IEnumerable<string> votes) => new(
        string.Create(CultureInfo.InvariantCulture, $"No JetStream meta leader was agreed by a majority of the NATS nodes within {waited.TotalSeconds:0.#} s. The nodes report: {string.Join("; ", votes)}. Check each node's nats.log in its DataDirectory."));

    public static TimeoutException NatsNotHealthy(TimeSpan waited, IEnumerable<string> answers) => new(
        string.Create(CultureInfo.InvariantCulture, $"Not every running NATS node reported JetStream healthy (/healthz) within {waited.TotalSeconds:0.#} s: {string.Join("; ", answers)}. Check each node's nats.log in its DataDirectory."));

    public static InvalidOperationException SentinelClusterNotReady(TimeSpan waited, string state) => new(
        string.Create(CultureInfo.InvariantCulture, $"The Redis Sentinel cluster was not ready within {waited.TotalSeconds:0.#} s: {state}. Raise RedisSentinelClusterOptions.StartTimeout on a slow machine, or read the logs in the servers' and sentinels' directories."));

    public static TimeoutException NoFailover(string previous, TimeSpan waited, string state) => new(
        string.Create(CultureInfo.InvariantCulture, $"No sentinel majority named a new master other than {previous} within {waited.TotalSeconds:0.#} s ({state}). Check that a replica is reachable from the sentinels and RedisSentinelClusterOptions.DownAfter / FailoverTimeout."));

    public static InvalidOperationException NoSentinelAnswer(string detail) => new(
        $"No sentinel named a master for the service: {detail}. Are the sentinels running (RedisSentinel.RestartAsync)?");

    public static ArgumentException InvalidSentinelLayout(string detail) => new(
        $"RedisSentinelClusterOptions: {detail}.", "options");
}
