using System.CommandLine;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;

namespace Fleet.Cli.Keys;

/// <summary>
/// <c>fleet keys generate NAME --out DIR [--format pyzmq|czmq]</c>: a CURVE key pair as certificate files;
/// <c>fleet keys check DIR [--fix]</c>: the secret certificate files in DIR that other users can read.
/// </summary>
internal static class KeysCommand
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static Command Create()
    {
        var keys = new Command("keys", "Manage CURVE keys and certificate files.");
        keys.Subcommands.Add(CreateGenerate());
        keys.Subcommands.Add(CreateCheck());
        return keys;
    }

    private static Command CreateGenerate()
    {
        var name = new Argument<string>("NAME") { Description = "The certificate name, for example mainpc-bridge (files NAME.key and NAME.key_secret)." };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "The directory to write the certificates to (created when missing).",
            Required = true,
        };
        var format = new Option<string>("--format")
        {
            Description = "pyzmq (NAME.key, NAME.key_secret, as zmq.auth.create_certificates) or czmq (NAME, NAME_secret, as zcert_save).",
            DefaultValueFactory = _ => "pyzmq",
        };
        format.AcceptOnlyFromAmong("pyzmq", "czmq");

        var generate = new Command("generate", "Generate a CURVE key pair with libzmq and write its public and secret (mode 600) certificates; never overwrites a key.")
        {
            name,
            output,
            format,
        };
        generate.SetAction(parseResult =>
        {
            var certificateName = parseResult.GetRequiredValue(name);
            var directory = parseResult.GetRequiredValue(output).FullName;
            var fileFormat = parseResult.GetValue(format) == "czmq" ? CurveCertificateFormat.Czmq : CurveCertificateFormat.Pyzmq;
            CurveCertificateFiles files;
            CurveKeyPair pair;
            try
            {
                pair = new ZmqCurveKeyGenerator().Generate();
                files = new CurveCertificate(pair).Save(directory, certificateName, fileFormat);
            }
            catch (FleetSecurityException ex)
            {
                throw new CliException(ex.Message, ex);
            }
            catch (ZmqException ex)
            {
                throw new CliException(ex.Message, ex);
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message, ex);
            }

            var console = parseResult.InvocationConfiguration.Output;
            console.WriteLine($"public certificate: {files.PublicPath}");
            console.WriteLine($"secret certificate: {files.SecretPath} (mode 600: keep it on this machine only)");
            console.WriteLine($"public key:         {pair.PublicKey}");
            return ExitCodes.Success;
        });
        return generate;
    }

    private static Command CreateCheck()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "The certificate directory, for example ~/.config/fleet/certificates." };
        var fix = new Option<bool>("--fix") { Description = "Restrict every secret certificate file that is too open to mode 600 (owner read/write only)." };
        var check = new Command("check", "List the secret certificate files (*.key_secret, *_secret) in DIR that the group or other users can read or write, which CURVE sockets refuse; exit 1 when there is one, unless --fix restricted them.")
        {
            directory,
            fix,
        };
        check.SetAction(parseResult =>
        {
            var path = parseResult.GetRequiredValue(directory).FullName;
            var console = parseResult.InvocationConfiguration.Output;
            if (!Directory.Exists(path))
            {
                throw new CliException($"{path}: no such directory. Name the directory that holds the certificate files (NAME.key_secret or NAME_secret).");
            }

            if (OperatingSystem.IsWindows())
            {
                console.WriteLine("Windows has no Unix file modes: protect the certificate directory with its ACL instead.");
                return ExitCodes.Success;
            }

            IReadOnlyList<(string Path, UnixFileMode Mode)> exposed;
            try
            {
                exposed = CurveSecretFiles.FindExposed(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"{path}: cannot read the directory: {ex.Message}", ex);
            }

            if (exposed.Count == 0)
            {
                console.WriteLine($"No secret certificate file in {path} is readable by other users.");
                return ExitCodes.Success;
            }

            if (!parseResult.GetValue(fix))
            {
                foreach (var (file, mode) in exposed)
                {
                    console.WriteLine($"too open: {file} (mode {Octal(mode)}); CURVE sockets refuse it.");
                }

                console.WriteLine($"{exposed.Count} secret certificate file(s) are readable by other users. Fix them with 'fleet keys check {path} --fix' (or 'chmod 600 {path}/*.key_secret').");
                return ExitCodes.Problems;
            }

            foreach (var (file, mode) in exposed)
            {
                try
                {
                    File.SetUnixFileMode(file, OwnerOnly);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"{file}: cannot change its mode ({ex.Message}). Run 'chmod 600 {file}' as its owner.", ex);
                }

                console.WriteLine($"fixed: {file} (mode {Octal(mode)} -> 600)");
            }

            return ExitCodes.Success;
        });
        return check;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8);
}
