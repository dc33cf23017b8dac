namespace Lifeline.Notifications;

/// <summary>
/// One notification and where its delivery stands, as journaled and as <c>GET /api/alarms/{id}/notifications</c> shows it.
/// A notification is journaled when it is decided (<c>Queued</c>, <c>Suppressed</c>, <c>Dropped</c>) and again with its outcome
/// (<c>Sent</c> or <c>Failed</c>); the latest record of an id is its state.
/// </summary>
public sealed record NotificationRecord
{
    /// <summary><c>N000042</c>; for an acknowledgement through a link, the link's id.</summary>
    public required string Id { get; init; }

    /// <summary>The alarm it is about (null for a digest of several alarms).</summary>
    public string? AlarmId { get; init; }

    /// <summary>The alarm transition (seq) that caused it, when one did.</summary>
    public long? AlarmSeq { get; init; }

    /// <summary>
    /// <c>Raised</c>, <c>Reraised</c>, <c>Reminder</c>, <c>Escalated</c>, <c>Acknowledged</c>, <c>Cleared</c>, <c>Digest</c>;
    /// <c>AckLink</c> for an acknowledgement made through a link.
    /// </summary>
    public required string Kind { get; init; }

    public required string Crew { get; init; }

    /// <summary>The person (roster id), or <c>group</c> for the crew's group.</summary>
    public required string Recipient { get; init; }

    public string? RecipientName { get; init; }

    /// <summary>The configured channel name.</summary>
    public string? Channel { get; init; }

    /// <summary>Escalation level: 0 for the first person called, then the next ones; the supervisor comes last.</summary>
    public int Level { get; init; }

    /// <summary><c>Queued</c>, <c>Sent</c>, <c>Failed</c>, <c>Suppressed</c> (rate limit: in the next digest), <c>Dropped</c> (queue full), <c>Used</c> (ack link).</summary>
    public required string Status { get; init; }

    public int Attempts { get; init; }

    /// <summary>Why it failed, was suppressed or dropped.</summary>
    public string? Detail { get; init; }

    public string? Subject { get; init; }

    /// <summary>For a digest: the alarms it lists.</summary>
    public IReadOnlyList<string>? Alarms { get; init; }

    /// <summary>When the record was written.</summary>
    public required DateTimeOffset At { get; init; }
}
