using Lifeline.Alarms.Kpis;
using Lifeline.Contracts.Alarms;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Rules.Tests.Kpis;

/// <summary>
/// Scripts alarm transition streams into an <see cref="AlarmKpiCalculator"/> the way the alarm service publishes them:
/// seq strictly increasing, ids <c>A000001</c>…, every transition a copy of the alarm's previous one with what changed.
/// The fake clock follows the script (it never goes back), so retention sees the times the script uses.
/// </summary>
internal sealed class KpiScript
{
    /// <summary>08:00 UTC: on a 10-minute and hour boundary, so clock-aligned periods start at T0.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    public const string SiteA = "site-a";

    private readonly Dictionary<string, AlarmDto> _alarms = new(StringComparer.Ordinal);
    private long _seq;
    private int _nextId;

    public KpiScript(AlarmKpiOptions? options = null)
    {
        Calculator = new AlarmKpiCalculator(options ?? new AlarmKpiOptions(), Time);
    }

    public FakeTimeProvider Time { get; } = new(T0);

    public AlarmKpiCalculator Calculator { get; }

    /// <summary>Every transition published, in order.</summary>
    public List<AlarmDto> Published { get; } = [];

    public static DateTimeOffset At(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    public static DateTimeOffset AtMinutes(double minutes) => T0 + TimeSpan.FromMinutes(minutes);

    /// <summary>Moves the clock forward to <paramref name="at"/> (never back).</summary>
    public void AdvanceTo(DateTimeOffset at)
    {
        if (at > Time.GetUtcNow())
        {
            Time.SetUtcNow(at);
        }
    }

    /// <summary>A new alarm, annunciated (or created straight into a non-annunciated <paramref name="state"/>). Returns its id.</summary>
    public string Raise(
        DateTimeOffset at,
        string sensor = "dev-1.o2",
        string site = SiteA,
        string priority = "Low",
        string rule = "o2.low",
        string state = "Unacknowledged")
    {
        var id = $"A{++_nextId:D6}";
        Publish(new AlarmDto
        {
            Seq = 0,
            Id = id,
            State = state,
            Transition = "Raised",
            ConditionActive = true,
            Priority = priority,
            Kind = rule.Split('.')[0] + "_kind",
            RuleId = rule,
            SiteId = site,
            DeviceId = sensor.Split('.')[0],
            SensorId = sensor,
            Location = "test location",
            Message = "test alarm",
            RaisedAt = at,
            ChangedAt = at,
        });
        return id;
    }

    public void Reraise(string id, DateTimeOffset at) =>
        Publish(_alarms[id] with { Transition = "Reraised", State = "Unacknowledged", ConditionActive = true, RaisedAt = at, ClearedAt = null, ChangedAt = at });

    public void Clear(string id, DateTimeOffset at)
    {
        var last = _alarms[id];
        Publish(last with
        {
            Transition = "Cleared",
            State = last.State == "Acknowledged" ? "Normal" : "ReturnedUnacknowledged",
            ConditionActive = false,
            ClearedAt = at,
            ChangedAt = at,
        });
    }

    public void Acknowledge(string id, DateTimeOffset at, string by = "op.li")
    {
        var last = _alarms[id];
        Publish(last with
        {
            Transition = "Acknowledged",
            State = last.State == "ReturnedUnacknowledged" ? "Normal" : "Acknowledged",
            By = by,
            AcknowledgedAt = at,
            AcknowledgedBy = by,
            ChangedAt = at,
        });
    }

    public void Shelve(string id, DateTimeOffset at, TimeSpan shelfTime, string by, string reason) =>
        Publish(_alarms[id] with { Transition = "Shelved", State = "Shelved", By = by, Reason = reason, ShelvedUntil = at + shelfTime, ChangedAt = at });

    /// <summary>A transition that takes the alarm into <paramref name="state"/>: unshelve, expiry, (un)suppression, (return to / removal from) service.</summary>
    public void Transit(string id, DateTimeOffset at, string transition, string state, string by = "system", string? reason = null) =>
        Publish(_alarms[id] with { Transition = transition, State = state, By = by, Reason = reason, ShelvedUntil = null, ChangedAt = at });

    /// <summary>Publishes a transition as it is (next seq), e.g. a malformed one.</summary>
    public void Publish(AlarmDto change)
    {
        AdvanceTo(change.ChangedAt);
        var numbered = change with { Seq = ++_seq };
        _alarms[numbered.Id] = numbered;
        Published.Add(numbered);
        Calculator.OnAlarmChanged(numbered);
    }

    /// <summary>The alarm service restarted: seq and ids start again.</summary>
    public void Restart()
    {
        _seq = 0;
        _nextId = 0;
        _alarms.Clear();
    }
}
