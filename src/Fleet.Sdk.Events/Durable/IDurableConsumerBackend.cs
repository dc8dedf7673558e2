namespace Fleet.Sdk.Events;

/// <summary>One consumer of a group on a <see cref="IDurableStreamBackend"/>; disposing it stops its wake-up notifications.</summary>
internal interface IDurableConsumerBackend : IDisposable
{
    /// <summary>Gets a value indicating whether the engine keeps pending events per consumer, so a consumer can ask for its own again (Redis, in-process); JetStream delivers them again after the claim time instead.</summary>
    bool RecoversOwnPending { get; }

    /// <summary>
    /// Reads up to <paramref name="count"/> events: with <paramref name="recoverOwnPending"/>, first what
    /// was delivered to this consumer and is still unacknowledged (where the engine tracks it per consumer);
    /// then events other consumers left unacknowledged past the claim time; then new ones. Never waits.
    /// </summary>
    Task<DurableReadResult> ReadAsync(int count, bool recoverOwnPending, CancellationToken cancellationToken);

    /// <summary>Acknowledges the event <paramref name="id"/> this consumer read.</summary>
    Task<DurableAckResult> AckAsync(string id, CancellationToken cancellationToken);
}
