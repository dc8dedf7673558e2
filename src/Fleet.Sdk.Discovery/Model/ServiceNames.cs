namespace Fleet.Sdk.Discovery;

/// <summary>Rules for service names and instance ids: they become parts of Redis keys.</summary>
internal static class ServiceNames
{
    public const int MaxLength = 128;

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    public static void Validate(ServiceInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (!IsValid(instance.ServiceName))
        {
            throw new ArgumentException($"Service name '{instance.ServiceName}' is not valid: use letters, digits, '.', '_' and '-', at most {MaxLength} characters.", nameof(instance));
        }

        if (!IsValid(instance.InstanceId))
        {
            throw new ArgumentException($"Instance id '{instance.InstanceId}' is not valid: use letters, digits, '.', '_' and '-', at most {MaxLength} characters.", nameof(instance));
        }

        if (string.IsNullOrWhiteSpace(instance.Machine))
        {
            throw new ArgumentException("An instance needs its machine name (Fleet:Machine:Name).", nameof(instance));
        }
    }
}
