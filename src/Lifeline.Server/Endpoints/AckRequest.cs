namespace Lifeline.Server.Endpoints;

/// <summary>Body of <c>POST /api/alarms/{id}/ack</c> (optional).</summary>
/// <param name="User">Who acknowledges (until accounts exist, the console sends its operator name).</param>
/// <param name="Comment">Optional note.</param>
public sealed record AckRequest(string? User, string? Comment);
