using Fleet.Cli;

return await FleetCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
