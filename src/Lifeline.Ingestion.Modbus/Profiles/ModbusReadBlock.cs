using Lifeline.Modbus;

namespace Lifeline.Ingestion.Modbus.Profiles;

/// <summary>
/// One read request: <see cref="Count"/> consecutive coils, discrete inputs or registers from <see cref="Start"/>,
/// covering the values of <see cref="Points"/> (and any unused addresses between them).
/// </summary>
/// <param name="Table">The table read.</param>
/// <param name="Start">First address read.</param>
/// <param name="Count">Bits or registers read (at most 2000 or 125).</param>
/// <param name="Points">The values inside the block, by address.</param>
public sealed record ModbusReadBlock(ModbusTable Table, ushort Start, int Count, IReadOnlyList<ModbusPoint> Points)
{
    /// <summary>Whether the block reads coils or discrete inputs (bits) rather than registers.</summary>
    public bool IsBits => ModbusPoint.IsBitTable(Table);

    /// <summary>The address after the last one read.</summary>
    public int End => Start + Count;

    /// <summary>Whether the block reads addresses that no point uses (some devices refuse such reads).</summary>
    public bool HasGaps
    {
        get
        {
            var covered = 0;
            var end = (int)Start;
            foreach (var point in Points)
            {
                var from = Math.Max(end, point.Address);
                if (point.End > from)
                {
                    covered += point.End - from;
                    end = point.End;
                }
            }

            return covered < Count;
        }
    }
}
