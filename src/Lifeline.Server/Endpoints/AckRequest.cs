namespace Lifeline.Server.Endpoints;

/// <summary>Body of <c>POST /api/alarms/{id}/ack</c> (optional).</summary>
/// <param name="User">Ignored: the signed-in user acknowledges. Accepted so that older clients keep working.</param>
/// <param name="Comment">Optional note.</param>
public sealed record AckRequest(string? User, string? Comment);
