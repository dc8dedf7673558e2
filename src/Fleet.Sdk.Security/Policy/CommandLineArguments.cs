namespace Fleet.Sdk.Security;

/// <summary>The process's command-line arguments, replaceable in tests.</summary>
/// <param name="Arguments">The arguments, without the program path.</param>
internal sealed record CommandLineArguments(IReadOnlyList<string> Arguments)
{
    public static CommandLineArguments FromProcess() => new(Environment.GetCommandLineArgs().Skip(1).ToArray());
}
