using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Logging;

/// <summary>Checks the logging options at start-up, naming the key of every problem at once.</summary>
internal sealed class FleetLoggingOptionsValidator : IValidateOptions<FleetLoggingOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetLoggingOptions options)
    {
        var problems = new List<string>();
        var file = options.File;
        if (file.FileSizeLimitBytes < 4096)
        {
            problems.Add($"Fleet:Logging:File:FileSizeLimitBytes is {file.FileSizeLimitBytes}; it must be at least 4096 bytes.");
        }

        if (file.RetainedFileCount < 1)
        {
            problems.Add($"Fleet:Logging:File:RetainedFileCount is {file.RetainedFileCount}; keep at least 1 file.");
        }

        if (file.TotalSizeLimitBytes < 2 * file.FileSizeLimitBytes)
        {
            problems.Add(
                $"Fleet:Logging:File:TotalSizeLimitBytes ({file.TotalSizeLimitBytes}) must be at least twice Fleet:Logging:File:FileSizeLimitBytes ({file.FileSizeLimitBytes}), " +
                "so that the current file and at least one older one fit under the cap.");
        }

        if (file.FlushInterval <= TimeSpan.Zero)
        {
            problems.Add("Fleet:Logging:File:FlushInterval must be positive, for example 00:00:01.");
        }

        if (options.Queue.Capacity < 1)
        {
            problems.Add($"Fleet:Logging:Queue:Capacity is {options.Queue.Capacity}; it must be at least 1.");
        }

        if (options.MaxFieldLength < 256)
        {
            problems.Add($"Fleet:Logging:MaxFieldLength is {options.MaxFieldLength}; it must be at least 256 characters.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
