using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Fleet.Sdk.GpuScheduling;

/// <summary>
/// Identifies a lease and its fencing token, in a form another process can be given (for example a
/// model server that checks each request): <c>mainpc/0/3f2a.../17</c>. Tokens increase per GPU, so a
/// lower token on the same GPU is always older.
/// </summary>
/// <param name="Machine">The machine.</param>
/// <param name="GpuIndex">The GPU's index.</param>
/// <param name="LeaseId">The lease.</param>
/// <param name="Token">The fencing token.</param>
public readonly record struct GpuFencingToken(string Machine, int GpuIndex, string LeaseId, long Token)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Machine}/{GpuIndex}/{LeaseId}/{Token}");

    /// <summary>Parses the form written by <see cref="ToString"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="token">The token, when valid.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out GpuFencingToken token)
    {
        token = default;
        var parts = text?.Split('/');
        if (parts is not { Length: 4 } || parts[0].Length == 0 || parts[2].Length == 0
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        token = new GpuFencingToken(parts[0], index, parts[2], value);
        return true;
    }
}
