using Lifeline.Assets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus.Ingestion.Tests.Support;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>
/// Each test breaks one thing of a valid document and asserts the exact error: file, YAML path, reason and line.
/// </summary>
public sealed class ModbusProfileLoaderErrorTests
{
    private const string PIn = "p_in:      {table: input_register, address: 0, type: float32, group: fast}";
    private const string Lel = "lel:       {table: input_register, address: 4, type: uint16, scale: 0.1, group: fast}";
    private const string Door = "door:      {table: discrete_input, address: 0, group: fast}";
    private const string Gate = "rtu-gate.channels";

    /// <summary>(old text, new text, errors as "path: reason", all on the changed line).</summary>
    public static TheoryData<string, string, string[]> OneThingBroken { get; } = new()
    {
        // Addresses and value sizes.
        { PIn, PIn.Replace("address: 0", "address: 70000", StringComparison.Ordinal), [$"profiles.{Gate}.p_in: address 70000 out of range 0..65535"] },
        { PIn, PIn.Replace("address: 0", "address: -1", StringComparison.Ordinal), [$"profiles.{Gate}.p_in: address -1 out of range 0..65535"] },
        { PIn, PIn.Replace("address: 0", "address: 65535", StringComparison.Ordinal), [$"profiles.{Gate}.p_in: float32 at address 65535 needs registers 65535..65536, past the last address 65535"] },
        { Lel, Lel.Replace("address: 4", "address: 3", StringComparison.Ordinal), [$"profiles.{Gate}.lel: input_register 3 overlaps 'p_out' (input_register 2..3)"] },

        // Table, type and byte order.
        { PIn, PIn.Replace("input_register", "coils", StringComparison.Ordinal), [$"profiles.{Gate}.p_in.table: unknown table 'coils'; allowed: coil, discrete_input, input_register, holding_register"] },
        { PIn, PIn.Replace("float32", "float64", StringComparison.Ordinal), [$"profiles.{Gate}.p_in.type: unknown data type 'float64'; allowed: bool, int16, uint16, int32, uint32, float32"] },
        { PIn, PIn.Replace("float32,", "float32, order: ABDC,", StringComparison.Ordinal), [$"profiles.{Gate}.p_in.order: unknown byte order 'ABDC'; allowed: ABCD, CDAB, BADC, DCBA"] },
        { PIn, PIn.Replace(" type: float32,", string.Empty, StringComparison.Ordinal), [$"profiles.{Gate}.p_in: missing required key 'type': a register value needs one of bool, int16, uint16, int32, uint32, float32"] },
        { Lel, Lel.Replace("uint16,", "uint16, order: CDAB,", StringComparison.Ordinal), [$"profiles.{Gate}.lel.order: order CDAB swaps words, but uint16 is one register: use ABCD or BADC"] },
        { Lel, Lel.Replace("scale: 0.1", "scale: 0", StringComparison.Ordinal), [$"profiles.{Gate}.lel.scale: scale must not be 0"] },
        { Door, Door.Replace("address: 0,", "address: 0, type: float32,", StringComparison.Ordinal), [$"profiles.{Gate}.door.type: a discrete_input holds one bit: type must be bool, got float32"] },
        { Door, Door.Replace("address: 0,", "address: 0, scale: 2,", StringComparison.Ordinal), [$"profiles.{Gate}.door.scale: scale does not apply to a discrete_input (one bit, read as 0 or 1)"] },
        { Door, Door.Replace("address: 0,", "address: 0, order: BADC,", StringComparison.Ordinal), [$"profiles.{Gate}.door.order: order does not apply to a discrete_input (one bit)"] },

        // Channel kind against the registry's sensor type.
        { Door, Door.Replace("discrete_input, address: 0", "input_register, address: 30, type: float32", StringComparison.Ordinal), [$"profiles.{Gate}.door: channel 'door' is boolean (door_intrusion) but is mapped to float32 in an input_register: map it to a coil, a discrete input or a register of type bool (device gas-gate-rtu)"] },
        { PIn, PIn.Replace("input_register, address: 0, type: float32", "coil, address: 5", StringComparison.Ordinal), [$"profiles.{Gate}.p_in: channel 'p_in' is analog (pressure, MPa) but is mapped to a coil, which holds one bit (device gas-gate-rtu)"] },
        { PIn, PIn.Replace("float32", "bool", StringComparison.Ordinal), [$"profiles.{Gate}.p_in: channel 'p_in' is analog (pressure, MPa) but its type is bool (device gas-gate-rtu)"] },

        // Channels against the model's devices.
        {
            "horn_cmd:  {table: coil, address: 0, writable: true}", "horn_cmd:  {table: coil, address: 0}",
            [$"profiles.{Gate}.horn_cmd: unknown channel 'horn_cmd': no device of model 'rtu-gate' has it (channels of gas-gate-rtu: p_in, p_out, flow, filter_dp, valve_pos, lel, door)"]
        },
        {
            "horn_cmd:  {table: coil, address: 0, writable: true}", "horn_cmd:  {table: coil, address: 0, writable: true, group: fast}",
            [$"profiles.{Gate}.horn_cmd.group: 'horn_cmd' is not a channel of model 'rtu-gate' but a command output, which is not polled: remove group"]
        },
        {
            "pump3_run: {table: coil, address: 2, optional: true}", "pump3_run: {table: coil, address: 2}",
            ["profiles.plc-influent.channels.pump3_run: channel 'pump3_run' is not on 2 of the 3 devices of model 'plc-influent': wwtp2-influent-plc, wwtp3-influent-plc; mark it optional: true if only some devices have it"]
        },

        // Writable points and feedback.
        { PIn, PIn.Replace("group: fast", "group: fast, writable: true", StringComparison.Ordinal), [$"profiles.{Gate}.p_in.writable: an input_register is read-only: only coils and holding registers can be written"] },
        { PIn, PIn.Replace("group: fast", "group: fast, feedback: door", StringComparison.Ordinal), [$"profiles.{Gate}.p_in.feedback: feedback names the channel a command shows up in: only for writable points"] },
        { "feedback: valve_pos", "feedback: valve_poz", [$"profiles.{Gate}.valve_cmd.feedback: feedback 'valve_poz' is not a polled channel of this profile"] },

        // Poll groups.
        { PIn, PIn.Replace("group: fast", "group: fastt", StringComparison.Ordinal), [$"profiles.{Gate}.p_in.group: unknown poll group 'fastt'; the profile defines: fast, slow"] },
        { PIn, PIn.Replace(", group: fast", string.Empty, StringComparison.Ordinal), [$"profiles.{Gate}.p_in: missing required key 'group': the profile has 2 poll groups (fast, slow)"] },
        {
            "groups: {fast: 500ms}", "groups: {fast: 10s}",
            ["profiles.plc-influent.groups.fast: poll group 'fast' every 10s is slower than device 'wwtp1-influent-plc' is expected to report (interval 1s): its channels would show Stale between polls; shorten the group or raise the device's interval"]
        },
        { "groups: {fast: 500ms}", "groups: {fast: 10ms}", ["profiles.plc-influent.groups.fast: poll interval must be between 50ms and 1h, got 10ms"] },
        { "groups: {fast: 500ms}", "groups: {fast: soon}", ["profiles.plc-influent.groups.fast: expected a duration such as 0, 500ms, 15s, 1m or 2h, got 'soon'"] },
        { "groups: {fast: 500ms}", "groups: {}", ["profiles.plc-influent.groups: a profile needs at least one poll group (name: interval)"] },

        // Keys.
        {
            PIn, PIn.Replace("address:", "adress:", StringComparison.Ordinal),
            [
                $"profiles.{Gate}.p_in.adress: unknown key 'adress' (did you mean 'address'?); allowed keys: table, address, type, order, scale, offset, group, optional, writable, feedback",
                $"profiles.{Gate}.p_in: missing required key 'address'",
            ]
        },

        // Devices.
        { "- {id: gas-gate-rtu, port: 15032}", "- {id: gas-gate-rtux, port: 15032}", ["devices[0].id: unknown device 'gas-gate-rtux': not in the registry"] },
        { "- {id: gas-gate-rtu, port: 15032}", "- {id: gas-gate-rtu, port: 70000}", ["devices[0].port: port 70000 out of range 1..65535"] },
        { "host: localhost, port: 15020, unit: 2}", "host: localhost, port: 15020, unit: 0}", ["devices[2].unit: unit 0 is the broadcast address, which devices do not answer: use 1..255"] },
        { "host: localhost, port: 15020, unit: 2}", "host: localhost, port: 15020, unit: 256}", ["devices[2].unit: unit 256 out of range 1..255"] },
        { "host: localhost,", "host: bad host,", ["devices[2].host: 'bad host' is not a host name or IP address"] },
        { "- {id: wwtp2-influent-plc, host: localhost, port: 15020, unit: 2}", "- {id: wwtp2-influent-plc, port: 15020}", ["devices[2]: endpoint 127.0.0.1:15020 unit 1 is already used by devices[1] (wwtp1-influent-plc)"] },
        { "- {id: wwtp2-influent-plc,", "- {id: wwtp1-influent-plc,", ["devices[2].id: device 'wwtp1-influent-plc' is listed twice (first at devices[1])"] },
        {
            "- {id: wwtp2-influent-plc, host: localhost, port: 15020, unit: 2}", "- {id: yongchang-rd-trunk-gas-z003-ctl, port: 15040}",
            ["devices[2].id: device 'yongchang-rd-trunk-gas-z003-ctl' has model 'zc-gas', which has no profile under profiles"]
        },
    };

    [Theory]
    [MemberData(nameof(OneThingBroken))]
    public void OneThingBroken_ReportsExactlyThatError_WithFilePathAndLine(string oldText, string newText, string[] expected)
    {
        var (text, line) = ProfileDocuments.Replace(ProfileDocuments.Valid, oldText, newText);

        var (file, errors) = ProfileDocuments.LoadErrors(text);

        errors.ShouldBe(expected.Select(e => $"{file}: {e} (line {line})").ToList());
    }

    [Fact]
    public void UnknownModel_ReportsTheModel_AndItsListedDeviceAsUnprofiled()
    {
        var (text, line) = ProfileDocuments.Replace(ProfileDocuments.Valid, "  rtu-gate:", "  rtu-gat:");

        var (file, errors) = ProfileDocuments.LoadErrors(text);

        errors.ShouldBe(
        [
            $"{file}: profiles.rtu-gat: unknown device model 'rtu-gat': no device in the registry has it (line {line})",
            $"{file}: devices[0].id: device 'gas-gate-rtu' has model 'rtu-gate', which has no profile under profiles (line {ProfileDocuments.LineOf(text, "- {id: gas-gate-rtu")})",
        ]);
    }

    [Fact]
    public void DeviceChannelNotMapped_ReportedOnTheDevice()
    {
        var (text, _) = ProfileDocuments.Replace(ProfileDocuments.Valid, "      " + Door + "\n", string.Empty);

        var (file, errors) = ProfileDocuments.LoadErrors(text);

        errors.ShouldBe(
            [$"{file}: devices[0].id: device 'gas-gate-rtu' has channels that profile 'rtu-gate' does not map, so they would never be polled: door (line {ProfileDocuments.LineOf(text, "- {id: gas-gate-rtu")})"]);
    }

    [Fact]
    public void BrokenProfile_DoesNotAlsoFailItsDevices()
    {
        var (text, line) = ProfileDocuments.Replace(ProfileDocuments.Valid, PIn, PIn.Replace("address: 0", "address: 70000", StringComparison.Ordinal));

        var (_, errors) = ProfileDocuments.LoadErrors(text);

        errors.Count.ShouldBe(1);
        errors[0].ShouldEndWith($"(line {line})");
    }

    [Fact]
    public void SeveralErrors_AllReportedAtOnce_InFileOrder()
    {
        var (text, first) = ProfileDocuments.Replace(ProfileDocuments.Valid, PIn, PIn.Replace("float32", "float64", StringComparison.Ordinal));
        (text, var second) = ProfileDocuments.Replace(text, "pump3_run: {table: coil, address: 2, optional: true}", "pump3_run: {table: coil, address: 2}");
        (text, var third) = ProfileDocuments.Replace(text, "- {id: gas-gate-rtu, port: 15032}", "- {id: gas-gate-rtu, port: 0}");

        var (file, errors) = ProfileDocuments.LoadErrors(text);

        errors.ShouldBe(
        [
            $"{file}: profiles.{Gate}.p_in.type: unknown data type 'float64'; allowed: bool, int16, uint16, int32, uint32, float32 (line {first})",
            $"{file}: profiles.plc-influent.channels.pump3_run: channel 'pump3_run' is not on 2 of the 3 devices of model 'plc-influent': wwtp2-influent-plc, wwtp3-influent-plc; mark it optional: true if only some devices have it (line {second})",
            $"{file}: devices[0].port: port 0 out of range 1..65535 (line {third})",
        ]);
    }

    [Fact]
    public void RealSeed_AddressOutOfRange_ReportsTheSeedLine()
    {
        var seed = File.ReadAllText(ProfileDocuments.SeedFile);
        const string Flow = "flow:      {table: input_register, address: 0, type: float32, order: CDAB, group: fast}";
        var (text, line) = ProfileDocuments.Replace(seed, Flow, Flow.Replace("address: 0", "address: 70000", StringComparison.Ordinal));

        var (file, errors) = ProfileDocuments.LoadErrors(text);

        errors.ShouldBe([$"{file}: profiles.plc-influent.channels.flow: address 70000 out of range 0..65535 (line {line})"]);
    }

    [Fact]
    public void MissingFile_ReportsFileNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lifeline-missing-{Guid.NewGuid():N}", "modbus.yaml");

        var ex = Should.Throw<AssetRegistryException>(() => ModbusProfileLoader.Load(path, ProfileDocuments.Baoshan));

        ex.Errors.ShouldBe([$"{path}: file not found"]);
    }

    [Fact]
    public void YamlSyntaxError_ReportsLineAndColumn_NoStackTrace()
    {
        var (text, line) = ProfileDocuments.Replace(ProfileDocuments.Valid, Door, Door + "\n      " + Door);

        var (file, errors) = ProfileDocuments.LoadErrors(text);

        errors.ShouldBe([$"{file}: line {line + 1}, column 7: YAML syntax error: duplicate key 'door' in a mapping"]);
    }
}
