using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.Config.Tests.Identity;

public sealed class FleetIdentityTests
{
    [Fact]
    public void Resolve_EverythingSet_MachineNameAndAgentNameWin()
    {
        var identity = FleetIdentity.Resolve(
            Config(("Fleet:Machine:Name", "mainpc"), ("Fleet:Agent:Machine", "pc2"), ("Fleet:Agent:Name", "ModelManager")),
            new Environment("HostApp"));

        Assert.Equal("mainpc", identity.Machine);
        Assert.Equal("ModelManager", identity.Agent);
    }

    [Fact]
    public void Resolve_NoMachineName_AgentMachineIsNext()
    {
        var identity = FleetIdentity.Resolve(Config(("Fleet:Agent:Machine", "pc2")));

        Assert.Equal("pc2", identity.Machine);
    }

    [Fact]
    public void Resolve_NoMachineConfigured_HostName()
    {
        var identity = FleetIdentity.Resolve(Config());

        Assert.Equal(System.Environment.MachineName, identity.Machine);
    }

    [Fact]
    public void Resolve_NoAgentName_HostApplicationNameIsNext()
    {
        var identity = FleetIdentity.Resolve(Config(), new Environment("HostApp"));

        Assert.Equal("HostApp", identity.Agent);
    }

    [Fact]
    public void Resolve_NoAgentNameNoHost_EntryAssemblyName()
    {
        var identity = FleetIdentity.Resolve(Config());

        Assert.Equal(AppDomain.CurrentDomain.FriendlyName, identity.Agent);
    }

    [Fact]
    public void Resolve_EmptyValues_AreNotSet()
    {
        var identity = FleetIdentity.Resolve(
            Config(("Fleet:Machine:Name", ""), ("Fleet:Agent:Machine", "pc2"), ("Fleet:Agent:Name", " ")),
            new Environment("HostApp"));

        Assert.Equal("pc2", identity.Machine);
        Assert.Equal("HostApp", identity.Agent);
    }

    [Fact]
    public void AddFleetIdentity_IdentityRegisteredBefore_IsKept()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Config(("Fleet:Machine:Name", "mainpc")));
        services.AddSingleton(new FleetIdentity("pc2", "Given"));

        services.AddFleetIdentity().AddFleetIdentity();
        using var provider = services.BuildServiceProvider();

        Assert.Equal("pc2", provider.GetRequiredService<FleetIdentity>().Machine);
        Assert.Single(services, d => d.ServiceType == typeof(FleetIdentity));
    }

    [Fact]
    public void AddFleetIdentity_FromRegisteredConfiguration_ResolvedOnce()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Config(("Fleet:Agent:Machine", "pc2"), ("Fleet:Agent:Name", "Tts")));

        services.AddFleetIdentity();
        using var provider = services.BuildServiceProvider();
        var identity = provider.GetRequiredService<FleetIdentity>();

        Assert.Equal("Tts on pc2", identity.ToString());
        Assert.Same(identity, provider.GetRequiredService<FleetIdentity>());
    }

    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();

    private sealed class Environment(string applicationName) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";

        public string ApplicationName { get; set; } = applicationName;

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
