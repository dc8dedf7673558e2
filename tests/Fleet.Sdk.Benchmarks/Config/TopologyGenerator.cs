using System.Text;

namespace Fleet.Sdk.Benchmarks.Config;

/// <summary>Writes a realistic unified topology: N agents over M machines, with overrides, a .env and interpolated ports.</summary>
internal static class TopologyGenerator
{
    public static string Write(string directory, int agents = 200, int machines = 3)
    {
        Directory.CreateDirectory(Path.Combine(directory, "overrides"));
        var names = Enumerable.Range(0, machines).Select(i => i == 0 ? "mainpc" : $"pc{i + 1}").ToList();
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 1");
        yaml.AppendLine("variables:\n  PORT_OFFSET: 0");
        yaml.AppendLine("settings:\n  Logging: { Level: Information }");
        yaml.AppendLine("machines:");
        foreach (var machine in names)
        {
            yaml.AppendLine($"  {machine}: {{}}");
        }

        yaml.AppendLine("agents:");
        for (var i = 0; i < agents; i++)
        {
            var machine = names[i % machines];
            yaml.AppendLine($"  Agent{i:D3}:");
            yaml.AppendLine($"    machine: {machine}");
            yaml.AppendLine($"    group: group{i / 10}");
            yaml.AppendLine($"    port: ${{PORT_OFFSET}}+{7000 + i}");
            yaml.AppendLine($"    health_port: ${{PORT_OFFSET:-0}}+{8000 + i}");
            yaml.AppendLine($"    required: {(i < agents - (machines * 2) ? "true" : "false")}");
            var dependencies = new List<string>();
            if (i >= machines)
            {
                dependencies.Add($"Agent{i - machines:D3}");
            }

            if (i >= machines * 2 && i % 5 == 0)
            {
                dependencies.Add($"{{ agent: Agent{i - machines - 1:D3}, timeout_seconds: 5 }}");
            }

            yaml.AppendLine($"    dependencies: [{string.Join(", ", dependencies)}]");
            if (i % 7 == 0)
            {
                yaml.AppendLine("    gpu: { required: false, vram_mib: 2048 }");
            }

            yaml.AppendLine($"    resources: {{ memory_mib: {512 + i % 4 * 256} }}");
            yaml.AppendLine("    script_path: agents/agent.py");
            yaml.AppendLine("    settings:");
            yaml.AppendLine($"      endpoint: tcp://${{MAINPC_IP:-127.0.0.1}}:{5000 + i}");
            yaml.AppendLine("      batch_size: 16");
            yaml.AppendLine("      models: [small, medium]");
        }

        var topology = Path.Combine(directory, "fleet.yaml");
        File.WriteAllText(topology, yaml.ToString());
        for (var m = 0; m < machines; m++)
        {
            File.WriteAllText(Path.Combine(directory, "overrides", $"{names[m]}.yaml"),
                $"machines:\n  {names[m]}:\n    host: 127.0.0.{m + 1}\n    gpus: [{{ name: GPU, vram_mib: 24576 }}]\n    limits: {{ memory_mib: 4096, cpu_percent: 80 }}\n");
        }

        File.WriteAllText(Path.Combine(directory, ".env"), "PORT_OFFSET=0\n");
        return topology;
    }
}
