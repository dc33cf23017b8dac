using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms;

/// <summary>Everything the alarm service needs to carry on after a restart exactly where it stopped.</summary>
/// <param name="Epoch">The service's epoch: kept across restarts, so clients' seqs stay valid.</param>
/// <param name="Seq">The newest seq.</param>
/// <param name="NextId">The number of the newest alarm id handed out.</param>
/// <param name="Alarms">Every alarm that is not over, as its latest transition published it.</param>
/// <param name="Scopes">Zone maintenance and sensors out of service in force.</param>
public sealed record AlarmServiceState(string Epoch, long Seq, long NextId, IReadOnlyList<AlarmDto> Alarms, IReadOnlyList<AlarmScopeDto> Scopes);
