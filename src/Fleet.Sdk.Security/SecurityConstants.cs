namespace Fleet.Sdk.Security;

internal static class SecurityConstants
{
    public const string SectionName = "Fleet:Security";

    public const string DefaultSecretsDirectory = "/run/secrets";

    public const string AuthorizedKeysSubdirectory = "authorized";

    public static readonly TimeSpan DefaultAllowListReloadInterval = TimeSpan.FromSeconds(5);

    /// <summary>Legacy variables the Python fleet put keys in; their placeholder value was 'default'.</summary>
    public static readonly string[] LegacyKeyVariables = ["ZMQ_PRIVATE_KEY", "ZMQ_PUBLIC_KEY"];
}
