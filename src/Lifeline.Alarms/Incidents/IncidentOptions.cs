using System.ComponentModel.DataAnnotations;

namespace Lifeline.Alarms.Incidents;

/// <summary>Configuration section <c>Incidents</c>: alarm correlation into incidents.</summary>
public sealed class IncidentOptions
{
    public const string SectionName = "Incidents";

    /// <summary>
    /// Correlation window. A new alarm joins an incident when an alarm of the same kind in its own or an adjacent fire
    /// zone (or on its device, outside tunnels) is still in alarm, or was raised or cleared no longer than this before.
    /// The default is 10 minutes (the flood-detection period of domain.md).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Closed incidents kept for <c>/api/incidents</c>; the oldest go first. The default is 1,000.</summary>
    [Range(0, 100_000)]
    public int HistoryCapacity { get; set; } = 1_000;

    /// <summary>How long a closed incident is kept at most. The default is 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Alarms listed per incident at most: beyond it, the oldest alarms that are over are dropped from the list (and
    /// counted). Alarms that are not over are always listed. The default is 200.
    /// </summary>
    [Range(10, 10_000)]
    public int MaxAlarmsPerIncident { get; set; } = 200;
}
