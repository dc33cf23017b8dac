namespace Lifeline.Notifications.Channels;

/// <summary>One message to one recipient (a person or a crew's group) over one channel.</summary>
/// <param name="Id">Notification id, e.g. <c>N000042</c>.</param>
/// <param name="Kind">What it says: <c>Raised</c>, <c>Reminder</c>, <c>Escalated</c>, <c>Acknowledged</c>, <c>Cleared</c>, <c>Digest</c>.</param>
/// <param name="Recipient">The person, or null for a crew group.</param>
/// <param name="Subject">One line (e-mail subject, robot title).</param>
/// <param name="Text">Plain text (SMS, e-mail body, robot text).</param>
/// <param name="Markdown">The same as Markdown (robots).</param>
/// <param name="Mentions">Phone numbers to mention in a group post (the person called).</param>
public sealed record OutboundMessage(
    string Id,
    string Kind,
    string? AlarmId,
    string Crew,
    Rosters.CrewMember? Recipient,
    string Subject,
    string Text,
    string Markdown,
    Uri? AckUrl,
    IReadOnlyList<string> Mentions,
    Contracts.Alarms.AlarmDto? Alarm);
