using Lifeline.Ingestion.Modbus.Profiles;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>Coalescing of a poll group's values into read requests.</summary>
public sealed class ModbusBlockPlannerTests
{
    private static readonly ModbusValueFormat F32 = new(ModbusDataType.Float32);
    private static readonly ModbusValueFormat U16 = new(ModbusDataType.UInt16);
    private static readonly ModbusValueFormat Bit = new(ModbusDataType.Bool);

    [Fact]
    public void AdjacentRegisters_OneRead()
    {
        var blocks = Plan([Reg("a", 0, F32), Reg("b", 2, U16), Reg("c", 3, F32)], gap: 0);

        Shape(blocks).ShouldBe([(ModbusTable.InputRegisters, 0, 5, "a,b,c")]);
        blocks[0].HasGaps.ShouldBeFalse();
    }

    [Fact]
    public void GapUpToTheLimit_Joined_BeyondIt_Split()
    {
        // b ends at 3, c starts at 10: 7 unused registers (3..9); c ends at 12, d starts at 20: 8 unused (12..19).
        ModbusPoint[] points = [Reg("a", 0, F32), Reg("b", 2, U16), Reg("c", 10, F32), Reg("d", 20, U16)];

        Shape(Plan(points, gap: 7)).ShouldBe([(ModbusTable.InputRegisters, 0, 12, "a,b,c"), (ModbusTable.InputRegisters, 20, 1, "d")]);
        Shape(Plan(points, gap: 8)).ShouldBe([(ModbusTable.InputRegisters, 0, 21, "a,b,c,d")]);
        Shape(Plan(points, gap: 6)).ShouldBe([(ModbusTable.InputRegisters, 0, 3, "a,b"), (ModbusTable.InputRegisters, 10, 2, "c"), (ModbusTable.InputRegisters, 20, 1, "d")]);
        Plan(points, gap: 8)[0].HasGaps.ShouldBeTrue();
    }

    [Fact]
    public void At125Registers_NewRead_AndA32BitValueIsNeverSplit()
    {
        // 62 floats at 0..123 fill 124 registers; the float at 124 would need 124..125 (126 registers): next read.
        var points = Enumerable.Range(0, 63).Select(i => Reg($"f{i}", (ushort)(2 * i), F32)).ToList();

        var blocks = Plan(points, gap: 0);

        blocks.Select(b => (b.Start, b.Count, b.Points.Count)).ShouldBe([((ushort)0, 124, 62), ((ushort)124, 2, 1)]);
        blocks.ShouldAllBe(b => b.Count <= ModbusLimits.MaxReadRegisters);
    }

    [Fact]
    public void Exactly125Registers_OneRead()
    {
        var points = Enumerable.Range(0, 125).Select(i => Reg($"r{i}", (ushort)i, U16)).ToList();

        Plan(points, gap: 0).Select(b => (b.Start, b.Count)).ShouldBe([((ushort)0, 125)]);
    }

    [Fact]
    public void Bits_UpTo2000PerRead()
    {
        var points = Enumerable.Range(0, 2001).Select(i => new ModbusPoint($"b{i}", ModbusTable.Coils, (ushort)i, Bit)).ToList();

        Plan(points, gap: 0).Select(b => (b.Start, b.Count)).ShouldBe([((ushort)0, 2000), ((ushort)2000, 1)]);
    }

    [Fact]
    public void BitGap_IsSeparateFromRegisterGap()
    {
        ModbusPoint[] points =
        [
            new("x", ModbusTable.DiscreteInputs, 0, Bit), new("y", ModbusTable.DiscreteInputs, 40, Bit),
            Reg("a", 0, U16), Reg("b", 40, U16),
        ];

        var blocks = ModbusBlockPlanner.Plan(points, maxRegisterGap: 8, maxBitGap: 64);

        Shape(blocks).ShouldBe([(ModbusTable.DiscreteInputs, 0, 41, "x,y"), (ModbusTable.InputRegisters, 0, 1, "a"), (ModbusTable.InputRegisters, 40, 1, "b")]);
    }

    [Fact]
    public void Tables_NeverMixed_SameAddressesStaySeparate()
    {
        ModbusPoint[] points =
        [
            new("hr", ModbusTable.HoldingRegisters, 0, U16), new("ir", ModbusTable.InputRegisters, 1, U16),
            new("co", ModbusTable.Coils, 0, Bit), new("di", ModbusTable.DiscreteInputs, 1, Bit),
        ];

        Shape(Plan(points, gap: 100)).ShouldBe(
        [
            (ModbusTable.Coils, 0, 1, "co"), (ModbusTable.DiscreteInputs, 1, 1, "di"),
            (ModbusTable.HoldingRegisters, 0, 1, "hr"), (ModbusTable.InputRegisters, 1, 1, "ir"),
        ]);
    }

    [Fact]
    public void UnsortedInput_SortedByAddress()
    {
        var blocks = Plan([Reg("c", 7, U16), Reg("a", 0, F32), Reg("b", 4, U16)], gap: 8);

        Shape(blocks).ShouldBe([(ModbusTable.InputRegisters, 0, 8, "a,b,c")]);
    }

    [Fact]
    public void SplitAtGaps_ReadsOnlyTheAddressesInUse()
    {
        var block = Plan([Reg("a", 0, F32), Reg("b", 2, U16), Reg("c", 10, F32), Reg("d", 12, U16)], gap: 8).Single();

        Shape(ModbusBlockPlanner.SplitAtGaps(block)).ShouldBe([(ModbusTable.InputRegisters, 0, 3, "a,b"), (ModbusTable.InputRegisters, 10, 3, "c,d")]);
    }

    [Fact]
    public void NoPoints_NoReads() => Plan([], gap: 8).ShouldBeEmpty();

    private static ModbusPoint Reg(string name, ushort address, ModbusValueFormat format) => new(name, ModbusTable.InputRegisters, address, format);

    private static IReadOnlyList<ModbusReadBlock> Plan(IEnumerable<ModbusPoint> points, int gap) => ModbusBlockPlanner.Plan(points, gap, gap);

    private static List<(ModbusTable, int, int, string)> Shape(IEnumerable<ModbusReadBlock> blocks) =>
        blocks.Select(b => (b.Table, (int)b.Start, b.Count, string.Join(',', b.Points.Select(p => p.Name)))).ToList();
}
