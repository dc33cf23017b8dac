using System.Net;
using Lifeline.Assets;
using Lifeline.Control;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus;
using Lifeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lifeline.Control.Tests;

/// <summary>The Baoshan registry and command catalog, loaded once.</summary>
internal static class Baoshan
{
    public const string Z2 = "yongchang-rd-trunk-gas-z002-ctl";
    public const string Z3 = "yongchang-rd-trunk-gas-z003-ctl";
    public const string Z4 = "yongchang-rd-trunk-gas-z004-ctl";
    public const string Z5 = "yongchang-rd-trunk-gas-z005-ctl";

    private static readonly Lazy<AssetRegistry> LazyRegistry = new(() => AssetRegistryLoader.Load(RepositoryPaths.Seeds()));
    private static readonly Lazy<CommandCatalog> LazyCatalog = new(() =>
        new CommandCatalog(Registry, ModbusProfileLoader.Load(Path.Combine(RepositoryPaths.Seeds(), ModbusProfileLoader.FileName), Registry).Profiles));

    public static AssetRegistry Registry => LazyRegistry.Value;

    public static CommandCatalog Catalog => LazyCatalog.Value;

    /// <summary>The seed's zc-gas register map, with the given zone controllers polled on loopback ports.</summary>
    public static ModbusPollPlan Plan(params (string Device, int Port)[] devices)
    {
        var seed = File.ReadAllText(Path.Combine(RepositoryPaths.Seeds(), ModbusProfileLoader.FileName));
        var start = seed.IndexOf("  zc-gas:", StringComparison.Ordinal);
        var end = seed.IndexOf("  zc-sewage:", StringComparison.Ordinal);
        var yaml = "defaults: {host: 127.0.0.1, unit: 1}\nprofiles:\n" + seed[start..end] + "devices:\n"
            + string.Concat(devices.Select(d => $"  - {{id: {d.Device}, port: {d.Port}}}\n"));
        var dir = Directory.CreateTempSubdirectory("lifeline-control-").FullName;
        try
        {
            var file = Path.Combine(dir, ModbusProfileLoader.FileName);
            File.WriteAllText(file, yaml);
            return ModbusProfileLoader.Load(file, Registry);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static ModbusOptions FastOptions(TimeSpan readBack) => new()
    {
        Enabled = true,
        RequestTimeout = TimeSpan.FromMilliseconds(500),
        ConnectTimeout = TimeSpan.FromMilliseconds(500),
        CommandReadBackTimeout = readBack,
        CommandReadBackInterval = TimeSpan.FromMilliseconds(20),
    };

    public static ModbusCommander Commander(ModbusPollPlan plan, ModbusOptions options, ModbusPollerState? state = null) =>
        new(plan, state ?? new ModbusPollerState(), Options.Create(options), TimeProvider.System, NullLogger<ModbusCommander>.Instance);
}

/// <summary>
/// A zone controller slave (our <see cref="ModbusTcpServer"/>, unit 1). While <see cref="Follows"/>, every command coil
/// written is copied to the run-feedback discrete input of the same address, as a contactor would.
/// </summary>
internal sealed class ZoneControllerSlave : IAsyncDisposable
{
    private readonly ModbusTcpServer _server;
    private int _writes;

    private ZoneControllerSlave(ModbusTcpServer server, ModbusDataStore store)
    {
        _server = server;
        Store = store;
        store.Written += (_, e) =>
        {
            Interlocked.Increment(ref _writes);
            if (Follows && e.Table == ModbusTable.Coils)
            {
                for (var a = e.Address; a < e.Address + e.Count; a++)
                {
                    store.SetDiscreteInputs(a, store.GetCoil(a));
                }
            }
        };
    }

    public ModbusDataStore Store { get; }

    public int Port => _server.LocalEndPoint.Port;

    public volatile bool Follows;

    public int Writes => Volatile.Read(ref _writes);

    public static async Task<ZoneControllerSlave> StartAsync(bool follows)
    {
        var store = new ModbusDataStore(coils: 16, discreteInputs: 16, holdingRegisters: 16, inputRegisters: 16);
        var server = new ModbusTcpServer(new ModbusTcpServerOptions { Address = IPAddress.Loopback, Port = 0 });
        server.AddUnit(1, store);
        await server.StartAsync();
        return new ZoneControllerSlave(server, store) { Follows = follows };
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

internal static class Wait
{
    /// <summary>Re-checks <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds:F0} s: {what()}");
            }

            await Task.Delay(10);
        }
    }
}
