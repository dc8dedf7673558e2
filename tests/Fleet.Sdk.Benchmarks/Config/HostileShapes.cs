using System.Text;

namespace Fleet.Sdk.Benchmarks.Config;

/// <summary>
/// The large inputs of issue 15 item 8, which once took quadratic time in <c>fleet config validate</c>,
/// and an 80-agent legacy topology (two files, the legacy fixtures' layout). Shared by the benchmark
/// and the fuzzing corpus tests' generator.
/// </summary>
internal static class HostileShapes
{
    private const string Header = "version: 1\nmachines:\n  m1: {}\n";

    /// <summary>One value holding <paramref name="count"/> references to an undefined variable.</summary>
    public static string ManyExpressionsInOneValue(int count) =>
        Header + "agents:\n  A:\n    machine: m1\n    settings:\n      big: \"" + new StringBuilder().Insert(0, "${X}", count) + "\"\n";

    /// <summary>A mapping of <paramref name="count"/> keys merged into another with <c>&lt;&lt;</c>.</summary>
    public static string MergeOfManyKeys(int count)
    {
        var yaml = new StringBuilder(Header).Append("settings:\n  base: &base {");
        for (var i = 0; i < count; i++)
        {
            yaml.Append(i == 0 ? string.Empty : ", ").Append("k").Append(i).Append(": ").Append(i);
        }

        return yaml.Append("}\n  copy: { <<: *base, k0: own }\nagents:\n  A: { machine: m1 }\n").ToString();
    }

    /// <summary><paramref name="count"/> agents, each with its own port.</summary>
    public static string ManyAgents(int count)
    {
        var yaml = new StringBuilder(Header).Append("agents:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append("  Agent").Append(i).Append(": { machine: m1, port: ").Append(1024 + i).Append(" }\n");
        }

        return yaml.ToString();
    }

    /// <summary><paramref name="count"/> agents, each depending on an agent defined nowhere.</summary>
    public static string ManyUnknownDependencies(int count)
    {
        var yaml = new StringBuilder(Header).Append("agents:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append("  Agent").Append(i).Append(": { machine: m1, dependencies: [Missing").Append(i).Append("] }\n");
        }

        return yaml.ToString();
    }

    /// <summary>Writes an 80-agent legacy fleet (60 on MainPC, 20 on PC2) and returns its two files.</summary>
    public static string[] WriteLegacy80(string directory)
    {
        var main = new StringBuilder("global_settings:\n  environment:\n    LOG_LEVEL: INFO\nagent_groups:\n");
        for (var group = 0; group < 6; group++)
        {
            main.Append("  group").Append(group).Append(":\n");
            for (var i = 0; i < 10; i++)
            {
                var n = (group * 10) + i;
                main.Append("    MainAgent").Append(n).Append(":\n")
                    .Append("      script_path: main_pc_code/agents/agent").Append(n).Append(".py\n")
                    .Append("      port: ${PORT_OFFSET}+").Append(7000 + n).Append('\n')
                    .Append("      health_check_port: ${PORT_OFFSET}+").Append(8000 + n).Append('\n')
                    .Append("      required: true\n")
                    .Append("      dependencies: [").Append(n == 0 ? string.Empty : $"MainAgent{n - 1}").Append("]\n");
            }
        }

        var pc2 = new StringBuilder("global_settings:\n  environment:\n    LOG_LEVEL: INFO\npc2_services:\n");
        for (var n = 0; n < 20; n++)
        {
            pc2.Append("  - name: Pc2Agent").Append(n).Append('\n')
                .Append("    script_path: pc2_code/agents/agent").Append(n).Append(".py\n")
                .Append("    host: 127.0.0.1\n")
                .Append("    port: ${PORT_OFFSET}+").Append(7100 + n).Append('\n')
                .Append("    health_check_port: ${PORT_OFFSET}+").Append(8100 + n).Append('\n')
                .Append("    required: true\n")
                .Append("    dependencies: [").Append(n == 0 ? string.Empty : $"Pc2Agent{n - 1}").Append("]\n");
        }

        var mainPath = Path.Combine(directory, "main_pc_code", "config", "startup_config.yaml");
        var pc2Path = Path.Combine(directory, "pc2_code", "config", "startup_config.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(mainPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(pc2Path)!);
        File.WriteAllText(mainPath, main.ToString());
        File.WriteAllText(pc2Path, pc2.ToString());
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(mainPath)!, ".env"), "PORT_OFFSET=0\n");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(pc2Path)!, ".env"), "PORT_OFFSET=0\n");
        return [mainPath, pc2Path];
    }
}
