namespace Lifeline.Ingestion.Modbus;

/// <summary>
/// Writes commands (a fan or pump command coil, a setpoint register) to devices polled over Modbus TCP and verifies
/// them by reading back their feedback channel. Every exchange goes through the device's one connection, queued
/// behind the poll's request in flight; no second connection is opened. Registered by <c>AddModbusIngestion</c>.
/// </summary>
public interface IModbusCommander
{
    /// <summary>Whether <paramref name="deviceId"/> is polled over Modbus (listed under <c>devices:</c> of <c>modbus.yaml</c>).</summary>
    bool IsPolled(string deviceId);

    /// <summary>
    /// Writes <paramref name="value"/> (1/0 for a coil or bool register, the engineering value for a register, encoded
    /// per the profile's type, byte order, scale and offset) to the writable point <paramref name="channel"/> of
    /// <paramref name="deviceId"/>, then reads its <c>feedback</c> channel (or, without one, the point itself) until it
    /// shows the commanded value or <see cref="ModbusOptions.CommandReadBackTimeout"/> passes.
    /// </summary>
    /// <returns>Confirmed, NotConfirmed (written, the feedback did not follow) or Failed (the write did not happen).</returns>
    /// <exception cref="ArgumentException">
    /// Unknown or not polled device, unknown point, a point that is not writable, or a value the point cannot hold.
    /// Nothing is written.
    /// </exception>
    Task<CommandWriteResult> WriteAsync(string deviceId, string channel, double value, CancellationToken cancellationToken);
}

/// <summary>How a command ended.</summary>
public enum CommandWriteOutcome
{
    /// <summary>Written, and the feedback channel showed the commanded value within the read-back timeout.</summary>
    Confirmed,

    /// <summary>Written (the device accepted it), but the feedback did not follow within the read-back timeout.</summary>
    NotConfirmed,

    /// <summary>Not written: the device refused it (exception code), did not answer, or could not be reached.</summary>
    Failed,
}

/// <summary>The result of one command write.</summary>
/// <param name="Outcome">Confirmed, NotConfirmed or Failed.</param>
/// <param name="Detail">Readable reason, e.g. <c>fan1_run read 0 for 5.0 s after the write, expected 1</c>.</param>
/// <param name="Feedback">The last value read back, when one was read.</param>
public sealed record CommandWriteResult(CommandWriteOutcome Outcome, string Detail, double? Feedback = null);
