using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Events;

/// <summary>Checks the durations of <see cref="DurableStreamOptions"/>, naming the setting and a working value.</summary>
internal sealed class DurableStreamOptionsValidator : IValidateOptions<DurableStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, DurableStreamOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(options.ClaimAfter), options.ClaimAfter, "00:00:30");
        Positive(failures, nameof(options.OperationTimeout), options.OperationTimeout, "00:00:02");
        Positive(failures, nameof(options.AppendDeadline), options.AppendDeadline, "00:00:30");
        Positive(failures, nameof(options.PollInterval), options.PollInterval, "00:00:01");
        Positive(failures, nameof(options.AckDeadline), options.AckDeadline, "00:00:10");
        if (options.MaxLength < 100)
        {
            failures.Add($"{DurableStreamConstants.SectionName}:{nameof(options.MaxLength)} is {options.MaxLength}; it must be at least 100 (for example 100000): it bounds the backlog a consumer group may build up.");
        }

        if (options.MaxPayloadBytes is < 1 or > 512 * 1024 * 1024)
        {
            failures.Add($"{DurableStreamConstants.SectionName}:{nameof(options.MaxPayloadBytes)} is {options.MaxPayloadBytes}; it must be between 1 and 536870912 (Redis's limit), for example 1048576.");
        }

        if (options.IdempotencyWindow < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{DurableStreamConstants.SectionName}:{nameof(options.IdempotencyWindow)} is {options.IdempotencyWindow}; it must be at least 1 second (for example 1.00:00:00), or retried appends may be stored twice.");
        }

        if (options.AppendDeadline > TimeSpan.Zero && options.IdempotencyWindow < options.AppendDeadline)
        {
            failures.Add($"{DurableStreamConstants.SectionName}:{nameof(options.IdempotencyWindow)} ({options.IdempotencyWindow}) is shorter than {nameof(options.AppendDeadline)} ({options.AppendDeadline}); a retry could outlive the key that makes it idempotent. Make the window longer.");
        }

        if (options.MaxBytes < 1024 * 1024 || options.MaxBytes < options.MaxPayloadBytes)
        {
            failures.Add($"{DurableStreamConstants.SectionName}:{nameof(options.MaxBytes)} is {options.MaxBytes}; it must be at least 1 MiB and at least MaxPayloadBytes ({options.MaxPayloadBytes}), for example 268435456.");
        }

        if (options.MaxAge < options.IdempotencyWindow)
        {
            failures.Add($"{DurableStreamConstants.SectionName}:{nameof(options.MaxAge)} ({options.MaxAge}) is shorter than {nameof(options.IdempotencyWindow)} ({options.IdempotencyWindow}); a key must not outlive its event (JetStream refuses it). Make MaxAge longer, for example 7.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string name, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{DurableStreamConstants.SectionName}:{name} is {value}; it must be positive (for example {example}).");
        }
    }
}
