using Lifeline.Modbus.Ingestion.Tests.Support;
using static Lifeline.Modbus.Ingestion.Tests.Support.PollerRegistry;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>
/// The poller against an independent slave: pymodbus 3.0 (Debian python3-pymodbus) serving the values documented in
/// Interop/pymodbus_server.py, some laid out by pymodbus's own payload builder.
/// </summary>
public sealed class PymodbusPollerTests
{
    [Fact(Timeout = 90_000)]
    public async Task ValuesServedByPymodbus_DecodedAndDelivered()
    {
        await using var pymodbus = await Lifeline.Modbus.Tests.PymodbusServer.StartAsync();
        var id = DeviceId("pym", 1);
        var registry = Create(
            "pym", 1, ("f_abcd", Wide), ("f_cdab", Wide), ("i32", Wide), ("i16", Wide), ("hr1", Wide), ("ir0", Wide), ("ir2", Wide),
            ("coil0", Flag), ("coil1", Flag), ("coil3", Flag), ("di0", Flag), ("di1", Flag));
        var yaml = PollerDecodingTests.Document(
            [
                "f_abcd: {table: holding_register, address: 50, type: float32}",
                "f_cdab: {table: holding_register, address: 52, type: float32, order: CDAB}",
                "i32: {table: holding_register, address: 54, type: int32, scale: 0.001}",
                "i16: {table: holding_register, address: 56, type: int16, scale: 0.1}",
                "hr1: {table: holding_register, address: 1, type: uint16}",
                "ir0: {table: input_register, address: 0, type: uint16, scale: 0.5, offset: -1000}",
                "ir2: {table: input_register, address: 2, type: uint16}",
                "coil0: {table: coil, address: 0}",
                "coil1: {table: coil, address: 1}",
                "coil3: {table: coil, address: 3}",
                "di0: {table: discrete_input, address: 0}",
                "di1: {table: discrete_input, address: 1}",
            ],
            "250ms",
            (id, pymodbus.Port));
        await using var poller = await PollerHarness.StartAsync(registry, yaml, PollerHarness.FastOptions(TimeSpan.FromSeconds(2)));

        try
        {
            await poller.Sink.WaitUntilAsync(s => s.Batches(id).Count >= 2, TimeSpan.FromSeconds(30), "two polls");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; device: {poller.Device(id)}; {pymodbus.Diagnostics()}", ex);
        }

        var values = poller.Sink.Batches(id)[0].Readings.OrderBy(r => r.Channel, StringComparer.Ordinal).Select(r => (r.Channel, r.Value)).ToList();
        values.ShouldBe(new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["f_abcd"] = 123.456f,
            ["f_cdab"] = 123.456f,
            ["i32"] = -123456 * 0.001,
            ["i16"] = -1234 * 0.1,
            ["hr1"] = 1001,
            ["ir0"] = (2000 * 0.5) - 1000,
            ["ir2"] = 2002,
            ["coil0"] = 1,
            ["coil1"] = 0,
            ["coil3"] = 1,
            ["di0"] = 1,
            ["di1"] = 0,
        }.Select(kv => (kv.Key, kv.Value)).ToList());
        poller.Device(id).ShouldSatisfyAllConditions(d => d.RejectedValues.ShouldBe(0), d => d.FailedPolls.ShouldBe(0));
    }
}
