using Lifeline.Alarms.Incidents;
using Lifeline.Contracts.Alarms;

namespace Lifeline.Rules.Tests.Incidents;

/// <summary>Records every incident change it is told about, in arrival order.</summary>
internal sealed class RecordingIncidentObserver : IIncidentObserver
{
    private readonly List<IncidentDto> _changes = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<IncidentDto> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>The latest change of every incident seen, by id.</summary>
    public IReadOnlyDictionary<string, IncidentDto> Latest
    {
        get
        {
            lock (_gate)
            {
                return _changes.GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.Last());
            }
        }
    }

    public void OnIncidentChanged(IncidentDto incident)
    {
        lock (_gate)
        {
            _changes.Add(incident);
        }
    }
}
