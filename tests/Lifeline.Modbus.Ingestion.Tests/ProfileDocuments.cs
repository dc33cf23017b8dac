using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Testing;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>The real Baoshan registry (loaded once) and a small valid profile document against it, for loader tests.</summary>
internal static class ProfileDocuments
{
    private static readonly Lazy<AssetRegistry> LazyBaoshan = new(() => AssetRegistryLoader.Load(RepositoryPaths.Seeds()));

    public static AssetRegistry Baoshan => LazyBaoshan.Value;

    public static string SeedFile => Path.Combine(RepositoryPaths.Seeds(), "modbus.yaml");

    /// <summary>
    /// Valid against <see cref="Baoshan"/>: the gate station RTU (every table, type and order, a writable register and two
    /// command outputs) and the influent PLCs (an optional channel present on wwtp1 only).
    /// </summary>
    public const string Valid = """
        # A small profile file for the loader tests.
        defaults:
          host: 127.0.0.1
          unit: 1

        profiles:
          rtu-gate:
            groups: {fast: 500ms, slow: 1s}
            channels:
              p_in:      {table: input_register, address: 0, type: float32, group: fast}
              p_out:     {table: input_register, address: 2, type: float32, order: CDAB, group: fast}
              lel:       {table: input_register, address: 4, type: uint16, scale: 0.1, group: fast}
              valve_pos: {table: holding_register, address: 0, type: int16, scale: 0.1, offset: 0, group: fast, writable: true}
              flow:      {table: input_register, address: 8, type: uint32, order: DCBA, scale: 0.1, group: slow}
              filter_dp: {table: input_register, address: 10, type: uint16, order: BADC, scale: 0.1, group: slow}
              door:      {table: discrete_input, address: 0, group: fast}
              valve_cmd: {table: holding_register, address: 20, type: uint16, writable: true, feedback: valve_pos}
              horn_cmd:  {table: coil, address: 0, writable: true}
          plc-influent:
            groups: {fast: 500ms}
            channels:
              pump1_run: {table: discrete_input, address: 0}
              pump2_run: {table: discrete_input, address: 1}
              pump3_run: {table: coil, address: 2, optional: true}
              flow:      {table: input_register, address: 0, type: float32}
              level:     {table: input_register, address: 2, type: uint16, scale: 0.001}
              ph:        {table: input_register, address: 3, type: uint16, scale: 0.01}
              temp:      {table: input_register, address: 4, type: int16, scale: 0.1}
              cod:       {table: holding_register, address: 0, type: float32}
              nh3n:      {table: holding_register, address: 2, type: int32, scale: 0.001}
              tp:        {table: holding_register, address: 4, type: float32, order: BADC}

        devices:
          - {id: gas-gate-rtu, port: 15032}
          - {id: wwtp1-influent-plc, port: 15020}
          - {id: wwtp2-influent-plc, host: localhost, port: 15020, unit: 2}

        """;

    /// <summary>Replaces the single occurrence of <paramref name="oldText"/>; returns the text and the 1-based line of the change.</summary>
    public static (string Text, int Line) Replace(string text, string oldText, string newText)
    {
        var at = text.IndexOf(oldText, StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, $"'{oldText}' not found");
        text.IndexOf(oldText, at + 1, StringComparison.Ordinal).ShouldBe(-1, $"'{oldText}' occurs more than once");
        return (string.Concat(text.AsSpan(0, at), newText, text.AsSpan(at + oldText.Length)), text[..at].Count(c => c == '\n') + 1);
    }

    /// <summary>The 1-based line of the single occurrence of <paramref name="text"/> in <paramref name="document"/>.</summary>
    public static int LineOf(string document, string text) => Replace(document, text, text).Line;

    /// <summary>Loads <paramref name="text"/> against <paramref name="registry"/> (default Baoshan), expecting failure; returns the file and the errors.</summary>
    public static (string File, IReadOnlyList<string> Errors) LoadErrors(string text, AssetRegistry? registry = null)
    {
        using var file = new Support.TempYaml(text);
        var ex = Should.Throw<AssetRegistryException>(() => Lifeline.Ingestion.Modbus.Profiles.ModbusProfileLoader.Load(file.Path, registry ?? Baoshan));
        return (file.Path, ex.Errors);
    }
}
