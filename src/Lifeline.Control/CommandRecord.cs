namespace Lifeline.Control;

/// <summary>Where a command is in its life.</summary>
public enum CommandOutcome
{
    /// <summary>Queued or being executed.</summary>
    Pending,

    /// <summary>Sent, and the feedback channel showed the commanded value in time.</summary>
    Confirmed,

    /// <summary>Sent (the device or broker accepted it), but the feedback did not follow in time.</summary>
    NotConfirmed,

    /// <summary>Not delivered: refused (exception code), no answer, communication lost, broker not connected.</summary>
    Failed,
}

/// <summary>How a command reaches its device.</summary>
public enum CommandRoute
{
    /// <summary>Written over the device's Modbus TCP poll connection.</summary>
    Modbus,

    /// <summary>Published on <c>lifeline/{site}/{device}/command</c>.</summary>
    Mqtt,
}

/// <summary>One entry of the command audit trail. A new instance is published for every change of its outcome.</summary>
public sealed record CommandRecord
{
    /// <summary>Command id, e.g. <c>C000042</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Target device.</summary>
    public required string DeviceId { get; init; }

    /// <summary>Command output, e.g. <c>fan1_cmd</c>.</summary>
    public required string Channel { get; init; }

    /// <summary>The value commanded (1/0 for run/stop outputs).</summary>
    public required double Value { get; init; }

    /// <summary><c>interlock:{id}</c> or <c>user:{name}</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The interlock that sent it, if any.</summary>
    public string? InterlockId { get; init; }

    /// <summary>The operator who sent it, if any.</summary>
    public string? User { get; init; }

    /// <summary>Why: the triggering alarm (id, rule, sensor) or the operator's text.</summary>
    public required string Reason { get; init; }

    /// <summary>The triggering alarm's id, if any.</summary>
    public string? AlarmId { get; init; }

    /// <summary>How it is sent.</summary>
    public required CommandRoute Route { get; init; }

    /// <summary>When it was requested.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>When it ended (null while pending).</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The outcome.</summary>
    public CommandOutcome Outcome { get; init; }

    /// <summary>What happened, e.g. the feedback read back or the exception code.</summary>
    public string? Detail { get; init; }
}

/// <summary>A command to send: target, value and why.</summary>
/// <param name="DeviceId">Target device.</param>
/// <param name="Channel">Command output.</param>
/// <param name="Value">Value (1/0 for run/stop outputs).</param>
/// <param name="Reason">Why (the alarm, or the operator's text).</param>
/// <param name="InterlockId">The interlock sending it, or null.</param>
/// <param name="User">The operator sending it, or null.</param>
/// <param name="AlarmId">The triggering alarm, or null.</param>
public sealed record CommandRequest(string DeviceId, string Channel, double Value, string Reason, string? InterlockId = null, string? User = null, string? AlarmId = null);

/// <summary>Receives every new command and every outcome (SignalR push, journal). Called on the command worker; must not block.</summary>
public interface ICommandObserver
{
    /// <summary>A command was queued (<see cref="CommandOutcome.Pending"/>) or finished.</summary>
    void OnCommandChanged(CommandRecord record);
}
