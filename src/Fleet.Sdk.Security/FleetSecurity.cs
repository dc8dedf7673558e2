using System.Collections.Concurrent;
using Fleet.Sdk.PathManager;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Security;

/// <summary>
/// An agent's security state: its CURVE certificate, its peers' public keys, the allow-list of
/// clients, and the rules every endpoint must pass. Messaging asks it before binding or connecting.
/// </summary>
public interface IFleetSecurity
{
    /// <summary>Gets a value indicating whether endpoints that leave the machine must use CURVE.</summary>
    bool RequireCurve { get; }

    /// <summary>Gets the absolute directory of the agent's and its peers' certificates.</summary>
    string CertificatesDirectory { get; }

    /// <summary>Gets the allow-list of client keys for CURVE servers, loaded on first use and kept current.</summary>
    CurveAllowList AllowList { get; }

    /// <summary>Gets the agent's own certificate with its secret key, checked (file permissions, weak keys) and registered for redaction.</summary>
    /// <returns>The certificate.</returns>
    /// <exception cref="FleetSecurityException">No certificate is configured, or it is missing, exposed or weak.</exception>
    CurveCertificate GetOwnCertificate();

    /// <summary>Gets the public key of the peer certificate <paramref name="name"/> in the certificates directory.</summary>
    /// <param name="name">The peer certificate's name (<c>name.key</c> or czmq's <c>name</c>).</param>
    /// <returns>The peer's public key.</returns>
    /// <exception cref="FleetSecurityException">It is missing, malformed or weak.</exception>
    CurvePublicKey GetPeerPublicKey(string name);

    /// <summary>Applies the endpoint rules: no plaintext off the machine unless allowed, no bind on every interface unless allowed.</summary>
    /// <param name="endpoint">The ZeroMQ endpoint.</param>
    /// <param name="bind"><see langword="true"/> for a bind, <see langword="false"/> for a connect.</param>
    /// <param name="usesCurve">Whether the socket uses CURVE.</param>
    /// <exception cref="FleetSecurityException">A rule forbids it; the message says how to fix it.</exception>
    /// <exception cref="FormatException">The endpoint is not valid.</exception>
    void EnsureEndpointAllowed(string endpoint, bool bind, bool usesCurve);
}

/// <summary>The default <see cref="IFleetSecurity"/>.</summary>
internal sealed partial class FleetSecurity : IFleetSecurity, IDisposable
{
    private readonly FleetSecurityOptions _options;
    private readonly ISecretRegistry _registry;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, byte> _warnedEndpoints = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private CurveAllowList? _allowList;
    private CurveCertificate? _own;

    public FleetSecurity(FleetSecurityOptions options, IFleetPaths paths, ISecretRegistry registry, ILogger logger, TimeProvider timeProvider)
        : this(options, ResolveCertificatesDirectory(options, paths), registry, logger, timeProvider)
    {
    }

    /// <summary>Creates security whose certificates directory is already resolved (tools and code without a host).</summary>
    public FleetSecurity(FleetSecurityOptions options, string certificatesDirectory, ISecretRegistry registry, ILogger logger, TimeProvider timeProvider)
    {
        _options = options;
        _registry = registry;
        _logger = logger;
        _timeProvider = timeProvider;
        CertificatesDirectory = certificatesDirectory;
        AuthorizedKeysDirectory = ResolveAuthorizedKeysDirectory(options, CertificatesDirectory);
    }

    public bool RequireCurve => _options.RequireCurve;

    public string CertificatesDirectory { get; }

    public string AuthorizedKeysDirectory { get; }

    public CurveAllowList AllowList
    {
        get
        {
            lock (_gate)
            {
                return _allowList ??= new CurveAllowList(AuthorizedKeysDirectory, _options.AllowListReloadInterval, _logger, _timeProvider);
            }
        }
    }

    public static string ResolveCertificatesDirectory(FleetSecurityOptions options, IFleetPaths paths) =>
        string.IsNullOrWhiteSpace(options.CertificatesDirectory)
            ? paths.Certificates
            : Path.GetFullPath(options.CertificatesDirectory, paths.Root);

    public static string ResolveAuthorizedKeysDirectory(FleetSecurityOptions options, string certificatesDirectory) =>
        string.IsNullOrWhiteSpace(options.AuthorizedKeysDirectory)
            ? Path.Combine(certificatesDirectory, SecurityConstants.AuthorizedKeysSubdirectory)
            : Path.GetFullPath(options.AuthorizedKeysDirectory, certificatesDirectory);

    public CurveCertificate GetOwnCertificate()
    {
        lock (_gate)
        {
            if (_own is not null)
            {
                return _own;
            }

            if (string.IsNullOrWhiteSpace(_options.CertificateName))
            {
                throw SecurityErrors.NoCertificateConfigured();
            }

            _own = LoadOwnCertificate(CertificatesDirectory, _options.CertificateName, _registry);
            return _own;
        }
    }

    /// <summary>Loads and checks a secret certificate; shared with start-up validation.</summary>
    public static CurveCertificate LoadOwnCertificate(string directory, string name, ISecretRegistry registry)
    {
        var path = CurveCertificate.FindSecretFile(directory, name) ?? throw SecurityErrors.CertificateNotFound(directory, name, secret: true);
        SecurityChecks.EnsureSecretFileProtected(path);
        var certificate = CurveCertificate.LoadSecret(directory, name);
        var secret = certificate.SecretKey!;
        registry.Register($"curve-secret-key:{name}", secret.ToZ85());
        SecurityChecks.EnsureUsableKey(path, secret.Bytes, secret.ToZ85());
        SecurityChecks.EnsureUsableKey(path, certificate.PublicKey.Bytes, certificate.PublicKey.ToZ85());
        return certificate;
    }

    public CurvePublicKey GetPeerPublicKey(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var certificate = CurveCertificate.LoadPublic(CertificatesDirectory, name);
        SecurityChecks.EnsureUsableKey(CurveCertificate.FindPublicFile(CertificatesDirectory, name)!, certificate.PublicKey.Bytes, certificate.PublicKey.ToZ85());
        return certificate.PublicKey;
    }

    public void EnsureEndpointAllowed(string endpoint, bool bind, bool usesCurve)
    {
        var parsed = ZmqEndpoint.Parse(endpoint);
        if (bind && parsed.IsAnyAddress && !_options.AllowAnyAddressBind)
        {
            throw SecurityErrors.AnyAddressBind(endpoint);
        }

        if (usesCurve || parsed.IsLocal)
        {
            return;
        }

        if (_options.RequireCurve)
        {
            throw SecurityErrors.PlaintextRemoteEndpoint(endpoint);
        }

        if (_warnedEndpoints.TryAdd(endpoint, 0))
        {
            LogPlaintextEndpoint(_logger, endpoint, bind ? "bound" : "connected");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _allowList?.Dispose();
        }
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "SECURITY: {Endpoint} is {Action} without CURVE: traffic to and from it is neither encrypted nor authenticated (Fleet:Security:RequireCurve=false).")]
    private static partial void LogPlaintextEndpoint(ILogger logger, string endpoint, string action);
}
