namespace Lifeline.Server.Endpoints;

/// <summary>Body of <c>POST /api/alarms/{id}/ack</c>, <c>/reset</c> and <c>/unshelve</c> (optional).</summary>
/// <param name="User">Ignored: actions are attributed to the signed-in user. Accepted so that older clients keep working.</param>
/// <param name="Comment">Optional note, kept in the alarm's history.</param>
public sealed record AckRequest(string? User, string? Comment);

/// <summary>Body of <c>POST /api/alarms/{id}/shelve</c>.</summary>
/// <param name="Reason">Why (required).</param>
/// <param name="Minutes">For how long, in minutes (at most <c>Alarms:MaxShelveTime</c>).</param>
/// <param name="User">Ignored, as for <see cref="AckRequest.User"/>.</param>
public sealed record ShelveRequest(string? Reason, double? Minutes, string? User);

/// <summary>Body of the maintenance and out-of-service requests.</summary>
/// <param name="Reason">Why (required).</param>
/// <param name="Until">When it ends by itself (optional).</param>
/// <param name="User">Ignored, as for <see cref="AckRequest.User"/>.</param>
public sealed record ScopeRequest(string? Reason, DateTimeOffset? Until, string? User);
