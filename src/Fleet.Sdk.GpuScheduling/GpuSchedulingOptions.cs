namespace Fleet.Sdk.GpuScheduling;

/// <summary>GPU scheduling settings (<c>Fleet:Gpu</c>).</summary>
public sealed class GpuSchedulingOptions
{
    /// <summary>Gets or sets where leases are kept.</summary>
    /// <value>The default value is <see cref="GpuLedgerKind.Auto"/>: the coordination engine's ledger (<c>Fleet:Coordination</c>) when it has servers, otherwise in-process.</value>
    public GpuLedgerKind Ledger { get; set; } = GpuLedgerKind.Auto;

    /// <summary>Gets or sets this machine's name (the holder of leases taken here, and the machine whose nvidia-smi figures are reported).</summary>
    /// <value>The default value is <see langword="null"/>: <c>Fleet:Discovery:Machine</c>, else the fleet identity's machine (<c>Fleet:Machine:Name</c>, <c>Fleet:Agent:Machine</c>, else the host name; see <c>FleetIdentity</c>).</value>
    public string? Machine { get; set; }

    /// <summary>Gets or sets how long a lease lives without a renewal; a holder that stops loses it after this.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan LeaseTtl { get; set; } = GpuSchedulingConstants.DefaultLeaseTtl;

    /// <summary>Gets or sets how often a lease is renewed.</summary>
    /// <value>The default value is <see langword="null"/>: a third of <see cref="LeaseTtl"/>.</value>
    public TimeSpan? RenewInterval { get; set; }

    /// <summary>Gets or sets how long an evicted lease stays usable so its holder can unload; longer than <see cref="RenewInterval"/> so the holder hears of it in time.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan PreemptionGrace { get; set; } = GpuSchedulingConstants.DefaultPreemptionGrace;

    /// <summary>Gets or sets the VRAM of every GPU never leased (driver, CUDA context, fragmentation), in MiB.</summary>
    /// <value>The default value is 512.</value>
    public long SafetyMarginMib { get; set; } = GpuSchedulingConstants.DefaultSafetyMarginMib;

    /// <summary>Gets the safety margins of particular GPUs, by <c>machine</c> or <c>machine/index</c> (the more specific wins), in MiB.</summary>
    public IDictionary<string, long> SafetyMargins { get; } = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets GPUs to schedule besides (or, for a machine listed here, instead of) the topology's <c>gpus:</c>.</summary>
    public IList<GpuDeviceOptions> Devices { get; } = [];

    /// <summary>Gets or sets how often a waiting request looks for room again.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan RetryInterval { get; set; } = GpuSchedulingConstants.DefaultRetryInterval;

    /// <summary>Gets or sets a value indicating whether only machines live in discovery (registered as <see cref="LivenessService"/>) are placed on.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RequireLiveMachine { get; set; } = true;

    /// <summary>Gets or sets the discovery service each machine's scheduler registers as, and whose live instances say which machines are up.</summary>
    /// <value>The default value is <c>FleetGpu</c>.</value>
    public string LivenessService { get; set; } = GpuSchedulingConstants.DefaultLivenessService;

    /// <summary>Gets or sets a value indicating whether this process registers this machine as live and reports its nvidia-smi figures.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ReportThisMachine { get; set; } = true;

    /// <summary>Gets or sets the nvidia-smi executable (a name looked up on <c>PATH</c>, or a path); absent means no live figures, which is normal on machines without a GPU.</summary>
    /// <value>The default value is <c>nvidia-smi</c>.</value>
    public string NvidiaSmiPath { get; set; } = "nvidia-smi";

    /// <summary>Gets or sets how often nvidia-smi is read and the used VRAM reported.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan UsageInterval { get; set; } = GpuSchedulingConstants.DefaultUsageInterval;

    internal TimeSpan EffectiveRenewInterval => RenewInterval ?? LeaseTtl / 3;
}
