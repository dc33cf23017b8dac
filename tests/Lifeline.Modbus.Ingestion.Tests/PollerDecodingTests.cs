using Lifeline.Testing;
using Lifeline.Ingestion.Modbus;
using Lifeline.Modbus.Ingestion.Tests.Support;
using static Lifeline.Modbus.Ingestion.Tests.Support.PollerRegistry;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>
/// The poller against our Modbus server on a loopback port: every type, byte order, scale and offset decoded exactly
/// from raw words written here by hand (not by our encoder), and delivered to the sink as one batch per poll group.
/// </summary>
public sealed class PollerDecodingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly float F = 123.456f; // 0x42F6E979

    /// <summary>Channel, table, address, type, order, scale, offset, raw words (registers) or bit, expected value.</summary>
    private static readonly (string Name, string Table, int Address, string Type, string Order, double Scale, double Offset, ushort[] Raw, double Expected)[] Registers =
    [
        ("i16_abcd", "holding_register", 0, "int16", "ABCD", 0.1, 0, [0xFB2E], -1234 * 0.1),
        ("i16_badc", "holding_register", 1, "int16", "BADC", 1, 0, [0x2EFB], -1234),
        ("u16_abcd", "holding_register", 2, "uint16", "ABCD", 1, -1000, [0xFDE8], 65000 - 1000),
        ("u16_badc", "holding_register", 3, "uint16", "BADC", 1, 0, [0xE8FD], 65000),
        ("i32_abcd", "holding_register", 4, "int32", "ABCD", 1, 0, [0xFFFE, 0x1DC0], -123456),
        ("i32_cdab", "holding_register", 6, "int32", "CDAB", 0.001, 0, [0x1DC0, 0xFFFE], -123456 * 0.001),
        ("i32_badc", "holding_register", 8, "int32", "BADC", 1, 0, [0xFEFF, 0xC01D], -123456),
        ("i32_dcba", "holding_register", 10, "int32", "DCBA", 1, 0, [0xC01D, 0xFEFF], -123456),
        ("u32_abcd", "holding_register", 12, "uint32", "ABCD", 1, 0, [0xB2D0, 0x5E00], 3_000_000_000),
        ("u32_cdab", "holding_register", 14, "uint32", "CDAB", 1, 0, [0x5E00, 0xB2D0], 3_000_000_000),
        ("u32_badc", "holding_register", 16, "uint32", "BADC", 1, 0, [0xD0B2, 0x005E], 3_000_000_000),
        ("u32_dcba", "holding_register", 18, "uint32", "DCBA", 0.5, 10, [0x005E, 0xD0B2], (3_000_000_000 * 0.5) + 10),
        ("f32_abcd", "input_register", 0, "float32", "ABCD", 1, 0, [0x42F6, 0xE979], F),
        ("f32_cdab", "input_register", 2, "float32", "CDAB", 1, 0, [0xE979, 0x42F6], F),
        ("f32_badc", "input_register", 4, "float32", "BADC", 1, 0, [0xF642, 0x79E9], F),
        ("f32_dcba", "input_register", 6, "float32", "DCBA", 2, -1, [0x79E9, 0xF642], (F * 2d) - 1),
        ("f32_neg", "input_register", 40, "float32", "ABCD", 1, 0, [0xC2F6, 0xE979], -F),
    ];

    [Fact(Timeout = 60_000)]
    public async Task EveryTypeAndByteOrder_DecodedExactly_OneBatchPerPoll()
    {
        await using var slave = await TestSlave.StartAsync();
        foreach (var r in Registers)
        {
            if (r.Table == "holding_register")
            {
                slave.Store.SetHoldingRegisters((ushort)r.Address, r.Raw);
            }
            else
            {
                slave.Store.SetInputRegisters((ushort)r.Address, r.Raw);
            }
        }

        slave.Store.SetInputRegisters(8, 0x0100);      // bool register: not 0 → 1
        slave.Store.SetInputRegisters(9, 0x0000);      // bool register: 0 → 0
        slave.Store.SetCoils(3, true, false);          // coil_on, coil_off
        slave.Store.SetDiscreteInputs(10, true);       // di_on; di_off at 200 stays false
        var channels = Registers.Select(r => (r.Name, Wide))
            .Concat([("flag_on", Flag), ("flag_off", Flag), ("coil_on", Flag), ("coil_off", Flag), ("di_on", Flag), ("di_off", Flag)])
            .ToArray();
        var registry = Create("dec", 1, channels);
        var map = Registers.Select(r => $"      {r.Name}: {{table: {r.Table}, address: {r.Address}, type: {r.Type}, order: {r.Order}, scale: {r.Scale}, offset: {r.Offset}}}")
            .Concat(
            [
                "      flag_on: {table: input_register, address: 8, type: bool}",
                "      flag_off: {table: input_register, address: 9, type: bool}",
                "      coil_on: {table: coil, address: 3}",
                "      coil_off: {table: coil, address: 4}",
                "      di_on: {table: discrete_input, address: 10}",
                "      di_off: {table: discrete_input, address: 200}",
            ]);
        var yaml = Document(map, "200ms", (DeviceId("dec", 1), slave.Port));

        await using var poller = await PollerHarness.StartAsync(registry, yaml, PollerHarness.FastOptions(TimeSpan.FromSeconds(1)));
        var id = DeviceId("dec", 1);
        await poller.Sink.WaitUntilAsync(s => s.Batches(id).Count >= 2, Bound, "two polls");

        var batch = poller.Sink.Batches(id)[0];
        var values = batch.Readings.ToDictionary(r => r.Channel, r => r.Value);
        foreach (var r in Registers)
        {
            values[r.Name].ShouldBe(r.Expected, r.Name);
        }

        values["flag_on"].ShouldBe(1);
        values["flag_off"].ShouldBe(0);
        values["coil_on"].ShouldBe(1);
        values["coil_off"].ShouldBe(0);
        values["di_on"].ShouldBe(1);
        values["di_off"].ShouldBe(0);
        values.Count.ShouldBe(channels.Length);
        batch.Readings.ShouldAllBe(r => r.DeviceId == id && r.Seq == null && r.Timestamp <= batch.ReceivedAt);
        poller.Device(id).ShouldSatisfyAllConditions(
            d => d.RejectedValues.ShouldBe(0),
            d => d.CommLoss.ShouldBeFalse(),
            d => d.Connected.ShouldBeTrue(),
            d => d.LastGoodPoll.ShouldNotBeNull());
    }

    [Fact(Timeout = 60_000)]
    public async Task ValuesChangeOnTheDevice_NextPollDeliversThem()
    {
        await using var slave = await TestSlave.StartAsync();
        slave.Store.SetInputRegisters(0, 100);
        var registry = Create("chg", 1, ("level", Wide), ("run", Flag));
        var yaml = Document(
            ["      level: {table: input_register, address: 0, type: uint16, scale: 0.01}", "      run: {table: discrete_input, address: 0}"],
            "200ms",
            (DeviceId("chg", 1), slave.Port));
        await using var poller = await PollerHarness.StartAsync(registry, yaml, PollerHarness.FastOptions(TimeSpan.FromSeconds(1)));
        var id = DeviceId("chg", 1);
        await poller.Sink.WaitUntilAsync(s => s.Latest(id).GetValueOrDefault("level") == 1.0, Bound, "level 1.00");

        slave.Store.SetInputRegisters(0, 250);
        slave.Store.SetDiscreteInputs(0, true);

        await poller.Sink.WaitUntilAsync(s => s.Latest(id).GetValueOrDefault("level") == 2.5 && s.Latest(id).GetValueOrDefault("run") == 1, Bound, "level 2.50 and run 1");
    }

    [Fact(Timeout = 60_000)]
    public async Task OutOfRangeAndNaN_RejectedAndCounted_TheOtherValuesStillDelivered()
    {
        await using var slave = await TestSlave.StartAsync();
        slave.Store.SetHoldingRegisters(0, 150);              // pct: 150 % is outside 0..100
        slave.Store.SetHoldingRegisters(1, 0x7FC0, 0x0000);   // nan: a quiet NaN
        slave.Store.SetHoldingRegisters(3, 42);               // good
        var registry = Create("rej", 1, ("pct", Percent), ("nan", Wide), ("good", Wide));
        var yaml = Document(
            [
                "      pct: {table: holding_register, address: 0, type: uint16}",
                "      nan: {table: holding_register, address: 1, type: float32}",
                "      good: {table: holding_register, address: 3, type: uint16}",
            ],
            "200ms",
            (DeviceId("rej", 1), slave.Port));
        await using var poller = await PollerHarness.StartAsync(registry, yaml, PollerHarness.FastOptions(TimeSpan.FromSeconds(1)));
        var id = DeviceId("rej", 1);

        await poller.Sink.WaitUntilAsync(s => s.Batches(id).Count >= 3, Bound, "three polls");

        poller.Sink.Batches(id).ShouldAllBe(b => b.Readings.Count == 1 && b.Readings[0].Channel == "good" && b.Readings[0].Value == 42);
        var device = poller.Device(id);
        device.RejectedValues.ShouldBeInRange(2 * device.Polls, (2 * device.Polls) + 2); // two per poll; a poll may be under way
        device.CommLoss.ShouldBeFalse();
        var warnings = poller.Logger.Entries.Where(e => e.EventId == 604).ToList();
        warnings.Count.ShouldBe(1, "rejects of one device are logged once per LogInterval");
        warnings[0].Message.ShouldContain(id);
    }

    [Fact(Timeout = 60_000)]
    public async Task DeviceRefusesAReadAcrossUnusedAddresses_ReadsTheValuesSeparately()
    {
        var store = new HoleyStore(new ModbusDataStore(0, 0, 0, 64), holeFrom: 3, holeTo: 9);
        store.Inner.SetInputRegisters(0, 11, 12);
        store.Inner.SetInputRegisters(10, 13);
        await using var server = new ModbusTcpServer(new ModbusTcpServerOptions { Address = System.Net.IPAddress.Loopback, Port = 0 });
        server.AddUnit(TestSlave.Unit, store);
        await server.StartAsync();
        var registry = Create("gap", 1, ("a", Wide), ("b", Wide), ("c", Wide));
        var yaml = Document(
            [
                "      a: {table: input_register, address: 0, type: uint16}",
                "      b: {table: input_register, address: 1, type: uint16}",
                "      c: {table: input_register, address: 10, type: uint16}",
            ],
            "200ms",
            (DeviceId("gap", 1), server.LocalEndPoint.Port));
        await using var poller = await PollerHarness.StartAsync(registry, yaml, PollerHarness.FastOptions(TimeSpan.FromSeconds(1)));
        var id = DeviceId("gap", 1);

        await poller.Sink.WaitUntilAsync(s => s.Batches(id).Count >= 2, Bound, "two polls");

        poller.Sink.Batches(id).ShouldAllBe(b => b.Readings.Count == 3);
        var latest = poller.Sink.Latest(id);
        (latest["a"], latest["b"], latest["c"]).ShouldBe((11d, 12d, 13d));
        store.RefusedReads.ShouldBe(1, "the coalesced read 0..10 is refused once, then split into 0..1 and 10");
        poller.Logger.Count(605, id).ShouldBe(1);
        poller.Device(id).FailedPolls.ShouldBe(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task SinkThrows_PollingCarriesOn_FailuresLoggedOnce()
    {
        await using var slave = await TestSlave.StartAsync();
        var liveId = DeviceId("thr", 1);
        var deadId = DeviceId("thr", 2);
        var registry = Create("thr", 2, ("a", Wide));
        var yaml = Document(["a: {table: input_register, address: 0, type: uint16}"], "200ms", (liveId, slave.Port), (deadId, Lifeline.Testing.FreePort.Next()));
        await using var poller = await PollerHarness.StartAsync(registry, yaml, PollerHarness.FastOptions(TimeSpan.FromMilliseconds(300)));
        poller.Sink.Throws = true;

        await poller.Sink.WaitUntilAsync(s => s.Statuses(deadId).Count == 1 && s.Batches(liveId).Count >= 3, Bound, "comm loss of the dead device and three polls of the live one");
        var failed = poller.Device(deadId).FailedPolls;
        var batches = poller.Sink.Batches(liveId).Count;
        await poller.Sink.WaitUntilAsync(_ => poller.Device(deadId).FailedPolls >= failed + 3 && poller.Sink.Batches(liveId).Count >= batches + 3, Bound, "both loops still polling");

        poller.State.IsRunning.ShouldBeTrue();
        poller.Device(deadId).CommLoss.ShouldBeTrue();
        poller.Sink.Statuses(deadId).Count.ShouldBe(1);
        poller.Logger.Count(606, liveId).ShouldBe(1);
        poller.Logger.Count(606, deadId).ShouldBe(1);
    }

    [Fact(Timeout = 60_000)]
    public async Task Metrics_PollsDurationAndReadings_Published()
    {
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        var measured = new System.Collections.Concurrent.ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var id = DeviceId("met", 1);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ModbusMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "device" && Equals(tag.Value, id))
                {
                    measured.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        await using var slave = await TestSlave.StartAsync();
        var registry = Create("met", 1, ("a", Wide), ("b", Flag));
        var yaml = Document(["      a: {table: input_register, address: 0, type: uint16}", "      b: {table: coil, address: 0}"], "200ms", (id, slave.Port));
        await using var poller = await PollerHarness.StartAsync(registry, yaml, PollerHarness.FastOptions(TimeSpan.FromSeconds(1)));

        await poller.Sink.WaitUntilAsync(s => s.Batches(id).Count >= 2, Bound, "two polls");

        measured.GetValueOrDefault("lifeline.modbus.polls").ShouldBeGreaterThanOrEqualTo(2);
        measured.GetValueOrDefault("lifeline.modbus.readings").ShouldBeGreaterThanOrEqualTo(4);
        measured.GetValueOrDefault("lifeline.modbus.poll.duration").ShouldBeGreaterThan(0);
        measured.ShouldNotContainKey("lifeline.modbus.poll.failures");
    }

    /// <summary>A profile document for <see cref="PollerRegistry.Model"/> with one poll group and the given devices.</summary>
    internal static string Document(IEnumerable<string> channelLines, string interval, params (string Id, int Port)[] devices)
    {
        List<string> lines = ["defaults: {host: 127.0.0.1, unit: 1}", "profiles:", $"  {Model}:", $"    groups: {{poll: {interval}}}", "    channels:"];
        lines.AddRange(channelLines.Select(l => "      " + l.Trim()));
        lines.Add("devices:");
        lines.AddRange(devices.Select(d => $"  - {{id: {d.Id}, port: {d.Port}}}"));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>A store that refuses reads touching an unmapped range of input registers, as some PLCs do.</summary>
    private sealed class HoleyStore(ModbusDataStore inner, ushort holeFrom, ushort holeTo) : IModbusDataStore
    {
        private int _refused;

        public ModbusDataStore Inner { get; } = inner;

        public int RefusedReads => Volatile.Read(ref _refused);

        public bool TryReadInputRegisters(ushort address, Span<ushort> values)
        {
            if (address <= holeTo && address + values.Length - 1 >= holeFrom)
            {
                Interlocked.Increment(ref _refused);
                return false;
            }

            return ((IModbusDataStore)Inner).TryReadInputRegisters(address, values);
        }

        public bool TryReadCoils(ushort address, Span<bool> values) => ((IModbusDataStore)Inner).TryReadCoils(address, values);

        public bool TryReadDiscreteInputs(ushort address, Span<bool> values) => ((IModbusDataStore)Inner).TryReadDiscreteInputs(address, values);

        public bool TryReadHoldingRegisters(ushort address, Span<ushort> values) => ((IModbusDataStore)Inner).TryReadHoldingRegisters(address, values);

        public bool TryWriteCoils(ushort address, ReadOnlySpan<bool> values) => ((IModbusDataStore)Inner).TryWriteCoils(address, values);

        public bool TryWriteHoldingRegisters(ushort address, ReadOnlySpan<ushort> values) => ((IModbusDataStore)Inner).TryWriteHoldingRegisters(address, values);

        public bool TryWriteReadHoldingRegisters(ushort writeAddress, ReadOnlySpan<ushort> writeValues, ushort readAddress, Span<ushort> readValues) =>
            ((IModbusDataStore)Inner).TryWriteReadHoldingRegisters(writeAddress, writeValues, readAddress, readValues);
    }
}
