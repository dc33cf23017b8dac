namespace Lifeline.Server.Hubs;

/// <summary>Client method names. Keep in sync with <c>wwwroot/js/app.js</c>.</summary>
public static class AlarmHubMethods
{
    public const string AlarmChanged = "AlarmChanged";

    /// <summary>A command (interlock or operator) was queued or finished: its audit record.</summary>
    public const string CommandChanged = "CommandChanged";

    /// <summary>An incident (correlated alarms) was opened, changed, merged or closed: its <c>IncidentDto</c>.</summary>
    public const string IncidentChanged = "IncidentChanged";
}
