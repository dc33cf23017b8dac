using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms;

/// <summary>
/// Where the alarm service writes every transition and every scope change, in order, as it makes them (under its lock).
/// Appending must not block; the returned task completes when the entry is durable.
/// </summary>
public interface IAlarmJournal
{
    Task Append(AlarmDto change);

    Task Append(AlarmScopeDto change);
}
