using System.ComponentModel.DataAnnotations;

namespace Lifeline.Alarms.Kpis;

/// <summary>
/// Configuration section <c>Alarms:Kpis</c>: operator positions, the ISA-18.2 / EEMUA 191 thresholds and targets (defaults
/// from the domain notes, §5 "KPIs and definitions") and how much alarm history the KPI calculator keeps in memory.
/// </summary>
public sealed class AlarmKpiOptions : IValidatableObject
{
    public const string SectionName = "Alarms:Kpis";

    /// <summary>
    /// Operator positions and the sites each watches, e.g. <c>"Positions": { "central": ["baoshan-yongchang", "baoshan-baoxiu"] }</c>.
    /// A site not listed is a position of its own, named after the site.
    /// </summary>
    public Dictionary<string, List<string>> Positions { get; } = new(StringComparer.Ordinal);

    /// <summary>The window of a request that names none: the last 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan DefaultWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long transitions are kept (ISA-18.2 assessments look at 30 days or more).</summary>
    [Range(typeof(TimeSpan), "00:10:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Hard cap on the transitions kept (about 80 bytes each): the oldest go first.</summary>
    [Range(16, 50_000_000)]
    public int MaxEvents { get; set; } = 250_000;

    /// <summary>EEMUA: about one activation per 10 minutes per operator is very likely acceptable.</summary>
    [Range(0.0, 10_000.0)]
    public double AcceptablePer10Minutes { get; set; } = 1;

    /// <summary>EEMUA: about two activations per 10 minutes per operator is the manageable maximum.</summary>
    [Range(0.0, 10_000.0)]
    public double ManageablePer10Minutes { get; set; } = 2;

    /// <summary>A flood starts when more than this many activations of one position fall within <see cref="FloodWindow"/>.</summary>
    [Range(1, 1_000_000)]
    public int FloodStartAbove { get; set; } = 10;

    /// <summary>A flood ends when fewer than this many activations of the position fall within <see cref="FloodWindow"/>.</summary>
    [Range(1, 1_000_000)]
    public int FloodEndBelow { get; set; } = 5;

    /// <summary>The sliding window of flood detection.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FloodWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Target: at most this percentage of time in flood.</summary>
    [Range(0.0, 100.0)]
    public double TimeInFloodTargetPercent { get; set; } = 1;

    /// <summary>How many bad actors to list.</summary>
    [Range(1, 1000)]
    public int BadActors { get; set; } = 10;

    /// <summary>Target: the listed bad actors together carry at most this share of the load.</summary>
    [Range(0.0, 100.0)]
    public double BadActorsShareTargetPercent { get; set; } = 5;

    /// <summary>A source chatters with at least this many activations within <see cref="ChatterWindow"/>.</summary>
    [Range(2, 1_000_000)]
    public int ChatterActivations { get; set; } = 3;

    /// <summary>The sliding window of chattering detection.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ChatterWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>An activation cleared within this time, before any operator action, is fleeting. Zero turns the check off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FleetingWithin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An alarm not over this long after it was raised is stale.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Target: at most this many stale alarms at any time.</summary>
    [Range(0, 1_000_000)]
    public int StaleTargetMax { get; set; } = 5;

    /// <summary>Priority guidance: share of critical (highest of four levels) activations, in percent.</summary>
    [Range(0.0, 100.0)]
    public double CriticalTargetPercent { get; set; } = 1;

    /// <summary>Priority guidance: share of high-priority activations, in percent.</summary>
    [Range(0.0, 100.0)]
    public double HighTargetPercent { get; set; } = 5;

    /// <summary>Priority guidance: share of medium-priority activations, in percent.</summary>
    [Range(0.0, 100.0)]
    public double MediumTargetPercent { get; set; } = 15;

    /// <summary>Priority guidance: share of low-priority activations, in percent.</summary>
    [Range(0.0, 100.0)]
    public double LowTargetPercent { get; set; } = 80;

    /// <summary>Most shelving-audit entries one result lists (the newest are kept).</summary>
    [Range(1, 1_000_000)]
    public int MaxAuditEntries { get; set; } = 1000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FloodEndBelow > FloodStartAbove + 1)
        {
            yield return new ValidationResult(
                $"FloodEndBelow ({FloodEndBelow}) must be at most FloodStartAbove + 1 ({FloodStartAbove + 1}), or a flood would end as it starts",
                [nameof(FloodEndBelow)]);
        }

        if (ManageablePer10Minutes < AcceptablePer10Minutes)
        {
            yield return new ValidationResult(
                $"ManageablePer10Minutes ({ManageablePer10Minutes}) must not be below AcceptablePer10Minutes ({AcceptablePer10Minutes})",
                [nameof(ManageablePer10Minutes)]);
        }

        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (position, sites) in Positions)
        {
            if (string.IsNullOrWhiteSpace(position))
            {
                yield return new ValidationResult("Positions: a position name is empty", [nameof(Positions)]);
                continue;
            }

            foreach (var site in sites ?? [])
            {
                if (string.IsNullOrWhiteSpace(site))
                {
                    yield return new ValidationResult($"Positions:{position}: a site id is empty", [nameof(Positions)]);
                }
                else if (!owner.TryAdd(site, position) && owner[site] != position)
                {
                    yield return new ValidationResult($"Positions: site '{site}' is mapped to both '{owner[site]}' and '{position}'", [nameof(Positions)]);
                }
            }
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid value.</summary>
    internal void ThrowIfInvalid()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException($"Invalid {SectionName} options: {string.Join("; ", results.Select(r => r.ErrorMessage))}", "options");
        }
    }
}
