using System.Net;
using Microsoft.Extensions.Time.Testing;

using Lifeline.Testing;

namespace Lifeline.Modbus.Tests;

/// <summary>
/// Our server on an ephemeral loopback port with unit 1 holding known values, and clients connected to it.
/// Coils: address % 3 == 0; discrete inputs: address % 2 == 0; holding registers: 1000 + address;
/// input registers: 2000 + address.
/// </summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    public const byte Unit = 1;
    public const int Bits = 4000;
    public const int Registers = 300;

    private readonly List<ModbusTcpClient> _clients = [];

    private ServerHarness(ModbusTcpServer server, ModbusDataStore store, CapturingLogger logger)
    {
        Server = server;
        Store = store;
        Logger = logger;
    }

    public ModbusTcpServer Server { get; }

    public ModbusDataStore Store { get; }

    public CapturingLogger Logger { get; }

    public int Port => Server.LocalEndPoint.Port;

    public static async Task<ServerHarness> StartAsync(bool ignoreUnknownUnits = false)
    {
        var store = new ModbusDataStore(Bits, Bits, Registers, Registers);
        for (var i = 0; i < Bits; i++)
        {
            store.SetCoils((ushort)i, i % 3 == 0);
            store.SetDiscreteInputs((ushort)i, i % 2 == 0);
        }

        for (var i = 0; i < Registers; i++)
        {
            store.SetHoldingRegisters((ushort)i, (ushort)(1000 + i));
            store.SetInputRegisters((ushort)i, (ushort)(2000 + i));
        }

        var logger = new CapturingLogger();
        var server = new ModbusTcpServer(new ModbusTcpServerOptions { Address = IPAddress.Loopback, Port = 0, IgnoreUnknownUnits = ignoreUnknownUnits }, logger);
        server.AddUnit(Unit, store);
        await server.StartAsync();
        return new ServerHarness(server, store, logger);
    }

    public async Task<ModbusTcpClient> ConnectAsync(ModbusTcpClientOptions? options = null, FakeTimeProvider? time = null)
    {
        var client = await ModbusTcpClient.ConnectAsync("127.0.0.1", Port, options, time);
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
