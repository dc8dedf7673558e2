using System.Collections.Concurrent;
using Fleet.Sdk.PathManager;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Security;

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
