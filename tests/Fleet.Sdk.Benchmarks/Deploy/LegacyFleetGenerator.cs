using System.Text;

namespace Fleet.Sdk.Benchmarks.Deploy;

/// <summary>Writes the owners' fleet in the two legacy formats: 55 agents on mainpc (agent_groups), 25 on pc2 (pc2_services), PORT_OFFSET in .env.</summary>
internal static class LegacyFleetGenerator
{
    public const int MainPcAgents = 55;
    public const int Pc2Agents = 25;

    /// <summary>Writes both files; returns the two config directories.</summary>
    public static (string MainPc, string Pc2) Write(string directory)
    {
        var mainpc = Directory.CreateDirectory(Path.Combine(directory, "main_pc_code", "config")).FullName;
        var pc2 = Directory.CreateDirectory(Path.Combine(directory, "pc2_code", "config")).FullName;
        var main = new StringBuilder();
        main.AppendLine("global_settings:\n  environment: { PYTHONPATH: /app, LOG_LEVEL: INFO }\n  resource_limits: { cpu_percent: 80, memory_mb: 2048 }");
        main.AppendLine("agent_groups:");
        for (var i = 0; i < MainPcAgents; i++)
        {
            if (i % 5 == 0)
            {
                main.AppendLine($"  group{i / 5}:");
            }

            main.AppendLine($"    MainAgent{i:D2}:");
            main.AppendLine($"      script_path: main_pc_code/agents/agent_{i:D2}.py");
            main.AppendLine($"      port: ${{PORT_OFFSET}}+{7000 + i}");
            main.AppendLine($"      health_check_port: ${{PORT_OFFSET}}+{8000 + i}");
            main.AppendLine("      required: true");
            main.AppendLine($"      dependencies: [{(i == 0 ? string.Empty : $"MainAgent{i - 1:D2}")}]");
            if (i % 6 == 0)
            {
                main.AppendLine("      gpu_required: true\n      vram_mb: 1000");
            }
        }

        var second = new StringBuilder();
        second.AppendLine("global_settings:\n  environment: { PYTHONPATH: /app, LOG_LEVEL: INFO }\n  resource_limits: { cpu_percent: 70, memory_mb: 4096 }");
        second.AppendLine("pc2_services:");
        for (var i = 0; i < Pc2Agents; i++)
        {
            second.AppendLine($"  - name: Pc2Agent{i:D2}");
            second.AppendLine($"    script_path: pc2_code/agents/agent_{i:D2}.py");
            second.AppendLine($"    port: ${{PORT_OFFSET}}+{7100 + i}");
            second.AppendLine($"    health_check_port: ${{PORT_OFFSET}}+{8100 + i}");
            second.AppendLine("    required: true");
            second.AppendLine($"    dependencies: [{(i == 0 ? string.Empty : $"Pc2Agent{i - 1:D2}")}]");
        }

        File.WriteAllText(Path.Combine(mainpc, "startup_config.yaml"), main.ToString());
        File.WriteAllText(Path.Combine(pc2, "startup_config.yaml"), second.ToString());
        File.WriteAllText(Path.Combine(mainpc, ".env"), "PORT_OFFSET=0\n");
        File.WriteAllText(Path.Combine(pc2, ".env"), "PORT_OFFSET=0\n");
        return (mainpc, pc2);
    }
}
