namespace Fleet.Sdk.Messaging;

/// <summary>The one way bridge option problems are reported: all at once, to start-up or to a constructor.</summary>
internal static class BridgeProblems
{
    public static Microsoft.Extensions.Options.ValidateOptionsResult ToResult(List<string> problems) =>
        problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);

    /// <summary>Throws when there are problems, listing every one.</summary>
    public static void ThrowIfAny(List<string> problems, string what, string parameter)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The {what} is not configured correctly:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems), parameter);
        }
    }
}
