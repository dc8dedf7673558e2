namespace Fleet.Sdk.Config;

/// <summary>What went wrong, or what deserves a warning, while interpolating a string.</summary>
public enum FleetInterpolationProblemKind
{
    /// <summary><c>${NAME}</c> (or the legacy <c>${NAME}+N</c>) names a variable that is not set (rule FLEET001).</summary>
    UndefinedVariable,

    /// <summary>The text is not a valid expression, for example <c>${</c> never closed (rule FLEET002).</summary>
    Syntax,

    /// <summary><c>${NAME:?message}</c> or <c>${NAME?message}</c> found the variable missing (rule FLEET003).</summary>
    RequiredVariableMissing,

    /// <summary>The legacy <c>${NAME}+N</c> form found a value that is not an integer (rule FLEET004).</summary>
    NotAnInteger,

    /// <summary>A variable's canonical name and its legacy alias hold different values (rule FLEET005).</summary>
    AliasConflict,

    /// <summary>A legacy alias was used, in the text or in the environment; it still works (rule FLEET006, a warning).</summary>
    LegacyAlias,
}

/// <summary>One problem found while interpolating a string, with where it is in that string.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Variable">The variable concerned, or <see langword="null"/> for a syntax problem without one.</param>
/// <param name="Offset">The 0-based offset of the expression in the string.</param>
/// <param name="Length">The length of the expression.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record FleetInterpolationProblem(
    FleetInterpolationProblemKind Kind,
    string? Variable,
    int Offset,
    int Length,
    string Message)
{
    /// <summary>Gets a value indicating whether the problem prevents a value (everything but <see cref="FleetInterpolationProblemKind.LegacyAlias"/>).</summary>
    public bool IsError => Kind != FleetInterpolationProblemKind.LegacyAlias;

    /// <summary>Gets the canonical name to use instead, for <see cref="FleetInterpolationProblemKind.LegacyAlias"/>.</summary>
    public string? CanonicalName { get; init; }

    /// <summary>Gets the 0-based index of the expression among the <c>${</c> tokens of the string (to find it in a source file).</summary>
    public int Occurrence { get; init; }
}

/// <summary>The outcome of <see cref="FleetInterpolator.Interpolate(string)"/>.</summary>
public sealed class FleetInterpolationResult
{
    internal FleetInterpolationResult(string? value, IReadOnlyList<FleetInterpolationProblem> problems, bool isArithmetic)
    {
        Value = value;
        Problems = problems;
        IsArithmetic = isArithmetic;
    }

    /// <summary>Gets the interpolated string, or <see langword="null"/> when an error prevented it (never a string with a raw <c>${...}</c> left in it).</summary>
    public string? Value { get; }

    /// <summary>Gets every problem found, errors and warnings, in order.</summary>
    public IReadOnlyList<FleetInterpolationProblem> Problems { get; }

    /// <summary>Gets a value indicating whether the string used the legacy <c>${NAME}+N</c> form (the value is then an integer).</summary>
    public bool IsArithmetic { get; }

    /// <summary>Gets a value indicating whether a value was produced.</summary>
    public bool Succeeded => Value is not null;
}
