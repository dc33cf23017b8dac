using Lifeline.Modbus;

namespace Lifeline.Ingestion.Modbus.Profiles;

/// <summary>
/// Coalesces the values of a poll group into as few read requests as the protocol allows: values of the same table
/// whose addresses are at most a given gap apart are read in one request, up to 125 registers or 2000 bits. A value
/// is never split over two requests.
/// </summary>
public static class ModbusBlockPlanner
{
    /// <summary>Plans the reads for <paramref name="points"/>, ordered by table, then address.</summary>
    /// <param name="points">The values to read (any order; writable-only command outputs should not be passed).</param>
    /// <param name="maxRegisterGap">Most unused registers a request may read to join two values (0: only adjacent ones).</param>
    /// <param name="maxBitGap">Most unused coils or discrete inputs a request may read to join two values.</param>
    public static IReadOnlyList<ModbusReadBlock> Plan(IEnumerable<ModbusPoint> points, int maxRegisterGap, int maxBitGap)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRegisterGap);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBitGap);
        var blocks = new List<ModbusReadBlock>();
        foreach (var table in points.GroupBy(p => p.Table).OrderBy(g => g.Key))
        {
            var bits = ModbusPoint.IsBitTable(table.Key);
            var limit = bits ? ModbusLimits.MaxReadBits : ModbusLimits.MaxReadRegisters;
            var gap = bits ? maxBitGap : maxRegisterGap;
            List<ModbusPoint>? current = null;
            int start = 0, end = 0;
            foreach (var point in table.OrderBy(p => p.Address).ThenBy(p => p.End))
            {
                if (current is not null && point.Address - end <= gap && Math.Max(end, point.End) - start <= limit)
                {
                    current.Add(point);
                    end = Math.Max(end, point.End);
                    continue;
                }

                if (current is not null)
                {
                    blocks.Add(new ModbusReadBlock(table.Key, (ushort)start, end - start, current));
                }

                current = [point];
                start = point.Address;
                end = point.End;
            }

            if (current is not null)
            {
                blocks.Add(new ModbusReadBlock(table.Key, (ushort)start, end - start, current));
            }
        }

        return blocks;
    }

    /// <summary>Splits a block at its unused addresses into blocks that read only addresses in use.</summary>
    public static IReadOnlyList<ModbusReadBlock> SplitAtGaps(ModbusReadBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Plan(block.Points, 0, 0);
    }
}
