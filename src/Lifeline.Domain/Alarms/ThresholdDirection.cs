namespace Lifeline.Domain.Alarms;

/// <summary>Which side of a limit is abnormal.</summary>
public enum ThresholdDirection
{
    /// <summary>Alarm when the value is at or above the limit.</summary>
    High,

    /// <summary>Alarm when the value is at or below the limit.</summary>
    Low,

    /// <summary>Boolean channel: alarm while the state is true (intrusion, smoke, fault).</summary>
    OnTrue,

    /// <summary>Boolean channel: alarm while the state is false (e.g. a run feedback that should be on).</summary>
    OnFalse,
}
