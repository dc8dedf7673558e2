using System.CommandLine;

namespace Fleet.Cli.Config;

/// <summary>The <c>fleet config</c> command group: validate, show, graph, migrate.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var command = new Command("config", "Validate, inspect and migrate the fleet's topology configuration (see docs/config.md).");
        command.Subcommands.Add(ValidateCommand.Create());
        command.Subcommands.Add(ShowCommand.Create());
        command.Subcommands.Add(GraphCommand.Create());
        command.Subcommands.Add(MigrateCommand.Create());
        return command;
    }
}
