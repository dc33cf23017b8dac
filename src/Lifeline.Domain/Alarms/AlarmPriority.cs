namespace Lifeline.Domain.Alarms;

/// <summary>ISA-18.2 alarm priority; higher value is more urgent.</summary>
public enum AlarmPriority
{
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}
