using System.CommandLine;
using Fleet.Sdk.Messaging;
using Fleet.Sdk.Security;

namespace Fleet.Cli.Keys;

/// <summary><c>fleet keys generate NAME --out DIR [--format pyzmq|czmq]</c>: a CURVE key pair as certificate files.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "Manage CURVE keys and certificate files.");
        keys.Subcommands.Add(CreateGenerate());
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
}
