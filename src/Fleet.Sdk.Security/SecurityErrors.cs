namespace Fleet.Sdk.Security;

/// <summary>Every security error message in one place, so they stay precise and consistent.</summary>
internal static class SecurityErrors
{
    private const string Generate = "Generate a key pair with 'fleet keys generate NAME --out DIR'.";

    public static FleetSecurityException CertificateSyntax(string path, int line, string problem) =>
        new($"{path}:{line}: {problem}. Certificate files are ZPL text as written by pyzmq's create_certificates or czmq's zcert_save.");

    public static FleetSecurityException CertificateInvalid(string path, string problem) =>
        new($"{path}: not a usable CURVE certificate: {problem}.");

    public static FleetSecurityException CertificateUnreadable(string path, Exception cause) =>
        new($"{path}: the certificate cannot be read: {cause.Message}", cause);

    public static FleetSecurityException CertificateNotFound(string directory, string name, bool secret) =>
        new(secret
            ? $"No secret certificate '{name}' in {directory} (looked for {name}.key_secret and {name}_secret). {Generate}"
            : $"No public certificate '{name}' in {directory} (looked for {name}.key and {name}). Copy the peer's public certificate there.");

    public static FleetSecurityException CertificateExists(string path) =>
        new($"{path} already exists; refusing to overwrite a key. Choose another name, or delete the file first if you really mean to replace it.");

    public static FleetSecurityException CertificateWriteFailed(string directory, Exception cause) =>
        new($"Cannot write certificates to {directory}: {cause.Message}", cause);

    public static FleetSecurityException SecretFileExposed(string path, UnixFileMode mode) =>
        new($"{path} holds a secret key but is readable by {(mode.HasFlag(UnixFileMode.OtherRead) ? "every user" : "its group")} " +
            $"(mode {Convert.ToString((int)mode, 8)}). Restrict it with 'chmod 600 {path}'.");

    public static FleetSecurityException WeakKey(string source, string reason) =>
        new($"The CURVE key in {source} must not be used: {reason}. {Generate}");

    public static FleetSecurityException PlaintextRemoteEndpoint(string endpoint) =>
        new($"{endpoint} is not a loopback endpoint, and CURVE is required for every endpoint that leaves the machine. " +
            "Give the socket a CURVE certificate (Fleet:Security:CertificateName), or, only on a network you trust, set Fleet:Security:RequireCurve=false.");

    public static FleetSecurityException AnyAddressBind(string endpoint) =>
        new($"Binding {endpoint} listens on every network interface. Bind the address of the interface peers use " +
            "(for example tcp://10.0.0.5:7200, or tcp://127.0.0.1:7200 for local peers), or set Fleet:Security:AllowAnyAddressBind=true.");

    public static FleetSecurityException SecretOnCommandLine(SecretArgument argument) =>
        new(argument.InsideValue
            ? $"The command line carries a password inside the value of '{argument.Argument}' (a password=, token= or user:password@ part). " +
              "Every user of this machine can read command lines (ps -ef, /proc). Remove it from the value, write it to a file readable only by the agent " +
              "(chmod 600), and reference that file through Fleet:Security:Secrets:<name> (for Redis: Fleet:Security:Secrets:redis-password=/path/to/file, " +
              "the name Fleet:Discovery:Redis:PasswordSecret gives), or place it in /run/secrets/<name>."
            : $"The command line carries a secret in '{argument.Argument}'. Every user of this machine can read command lines (ps -ef, /proc); " +
              "put the secret in a file readable only by the agent (chmod 600), and pass the file's path as Fleet:Security:Secrets:<name>=/path/to/file, " +
              "or place it in /run/secrets/<name>.");

    public static FleetSecurityException SecretNotFound(string name, IEnumerable<string> looked) =>
        new($"Secret '{name}' was not found (looked in {string.Join(", ", looked)}). " +
            $"Create the file, or set Fleet:Security:Secrets:{name} to the path of a file holding it.");

    public static FleetSecurityException SecretUnreadable(string name, string path, Exception cause) =>
        new($"Secret '{name}' cannot be read from {path}: {cause.Message}", cause);

    public static FleetSecurityException SecretEmpty(string name, string path) =>
        new($"Secret '{name}' in {path} is empty. Write the secret into the file.");

    public static FleetSecurityException NoCertificateConfigured() =>
        new($"This socket needs a CURVE certificate, but Fleet:Security:CertificateName is not set. " +
            $"Set it to the name of the agent's certificate in the certificates directory. {Generate}");
}
