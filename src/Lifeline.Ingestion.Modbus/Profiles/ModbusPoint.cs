using Lifeline.Modbus;

namespace Lifeline.Ingestion.Modbus.Profiles;

/// <summary>
/// One entry of a device model's register map: where a value lives and how it is encoded. A point is either a
/// polled channel (named as in the registry) or a command output (<see cref="Writable"/>, not in the registry).
/// </summary>
/// <param name="Name">Registry channel name (<c>p_in</c>, <c>fan1_run</c>) or command name (<c>fan1_cmd</c>).</param>
/// <param name="Table">Which of the four Modbus tables holds it.</param>
/// <param name="Address">PDU address, 0-based (holding register "40001" is 0).</param>
/// <param name="Format">
/// Type, byte order, scale and offset for registers; <see cref="ModbusDataType.Bool"/> for coils and discrete
/// inputs (one bit, never scaled).
/// </param>
/// <param name="Writable">The platform may write it (a coil or a holding register), e.g. a fan command coil.</param>
/// <param name="Feedback">For a command: the polled channel that shows whether it took effect (<c>fan1_run</c>).</param>
public sealed record ModbusPoint(
    string Name,
    ModbusTable Table,
    ushort Address,
    ModbusValueFormat Format,
    bool Writable = false,
    string? Feedback = null)
{
    /// <summary>Coils and discrete inputs hold single bits; the other tables hold 16-bit registers.</summary>
    public bool IsBit => IsBitTable(Table);

    /// <summary>How many addresses the value occupies: 1 for a bit, 1 or 2 for a register value.</summary>
    public int Width => IsBit ? 1 : Format.RegisterCount;

    /// <summary>The address after the last one the value occupies (exclusive end).</summary>
    public int End => Address + Width;

    /// <summary>Whether <paramref name="table"/> holds bits (coils, discrete inputs).</summary>
    public static bool IsBitTable(ModbusTable table) => table is ModbusTable.Coils or ModbusTable.DiscreteInputs;
}
