using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lifeline.Benchmarks;

/// <summary>
/// Modbus TCP benchmarks, on loopback in this process:
/// <list type="number">
/// <item>Reads per second on one connection: <see cref="ModbusTcpClient"/> → <see cref="ModbusTcpServer"/> reading 10
/// holding registers at 1, 4, 16 and 64 requests in flight, beside the raw limit measured in the same run: the same
/// 12-byte requests and 29-byte responses over a plain socket pair with the same depth and no Modbus code.</item>
/// <item>Poll-period jitter at scale: the real <see cref="ModbusPollerService"/> polling 200 simulated slaves (one
/// <see cref="ModbusTcpServer"/> each) at 1 Hz, all alive and with one dead slave (accepts, never answers).</item>
/// </list>
/// </summary>
public static class ModbusHarness
{
    private const byte Unit = 1;
    private const ushort RegisterCount = 10;
    private const ushort FirstValue = 101;
    private const int RequestBytes = 12;
    private const int ResponseBytes = 29;
    private const int Slaves = 200;
    private const string Model = "bench-plc";

    private static readonly int[] Depths = [1, 4, 16, 64];
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private static readonly SensorType Analog = new("bench-analog", "Benchmark analog value", "u", ChannelKind.Analog, -1e9, 1e9, "bench");
    private static readonly SensorType Flag = new("bench-flag", "Benchmark flag", string.Empty, ChannelKind.Boolean, 0, 1, "bench");

    /// <summary>
    /// A pumping-station PLC: 20 input registers of process values (block 1) and 4 run-feedback coils (block 2).
    /// </summary>
    private static readonly PointSpec[] PlcMap =
    [
        new("flow", ModbusTable.InputRegisters, 0, new ModbusValueFormat(ModbusDataType.Float32, ModbusByteOrder.CDAB), 412.5),
        new("level", ModbusTable.InputRegisters, 2, new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.001), 2.345),
        new("ph", ModbusTable.InputRegisters, 3, new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.01), 7.12),
        new("temp", ModbusTable.InputRegisters, 4, new ModbusValueFormat(ModbusDataType.Int16, Scale: 0.1), 18.4),
        new("p_in", ModbusTable.InputRegisters, 5, new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.01), 1.25),
        new("p_out", ModbusTable.InputRegisters, 6, new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.01), 3.4),
        new("pump1_current", ModbusTable.InputRegisters, 7, new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.1), 41.2),
        new("pump2_current", ModbusTable.InputRegisters, 8, new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.1), 39.8),
        new("pump3_current", ModbusTable.InputRegisters, 9, new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.1), 0),
        new("cod", ModbusTable.InputRegisters, 10, new ModbusValueFormat(ModbusDataType.Float32, ModbusByteOrder.CDAB), 312.7),
        new("nh3", ModbusTable.InputRegisters, 12, new ModbusValueFormat(ModbusDataType.Float32, ModbusByteOrder.CDAB), 24.9),
        new("energy", ModbusTable.InputRegisters, 14, new ModbusValueFormat(ModbusDataType.UInt32, ModbusByteOrder.CDAB, Scale: 0.1), 123456.7),
        new("pump1_hours", ModbusTable.InputRegisters, 16, new ModbusValueFormat(ModbusDataType.UInt32, ModbusByteOrder.CDAB), 18234),
        new("pump2_hours", ModbusTable.InputRegisters, 18, new ModbusValueFormat(ModbusDataType.UInt32, ModbusByteOrder.CDAB), 17922),
        new("pump1_run", ModbusTable.Coils, 0, new ModbusValueFormat(ModbusDataType.Bool), 1),
        new("pump2_run", ModbusTable.Coils, 1, new ModbusValueFormat(ModbusDataType.Bool), 1),
        new("pump3_run", ModbusTable.Coils, 2, new ModbusValueFormat(ModbusDataType.Bool), 0),
        new("mixer_run", ModbusTable.Coils, 3, new ModbusValueFormat(ModbusDataType.Bool), 1),
    ];

    public static async Task<string> RunAsync(int reads, int repeats, int windowSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reads, Depths.Max());
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 5);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Lifeline Modbus benchmark ({TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, .NET {Environment.Version}; everything on loopback in one process (clients, servers, poller).");
        report.AppendLine();
        report.Append(await ReadsReportAsync(reads, repeats));
        report.AppendLine();
        report.Append(await JitterReportAsync(TimeSpan.FromSeconds(windowSeconds)));
        return report.ToString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Reads per second on one connection
    // ---------------------------------------------------------------------------------------------------------------

    private static async Task<string> ReadsReportAsync(int reads, int repeats)
    {
        await CheckSameBytesAsync();

        // Untimed warm-up of both paths at every depth (JIT tiers, thread pool growth).
        foreach (var depth in Depths)
        {
            await RawReadsAsync(Math.Min(reads, 20_000), depth);
            await LifelineReadsAsync(Math.Min(reads, 20_000), depth);
        }

        var report = new StringBuilder();
        report.AppendLine("## Reads per second on one connection, pipelined");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{reads:N0} reads of {RegisterCount} holding registers (function 3: {RequestBytes}-byte request, {ResponseBytes}-byte response) per run, {repeats} run(s), medians. Raw limit: the same bytes over a plain TCP socket pair with the same number of requests in flight, a responder that answers each 12-byte request with a fixed 29-byte response, no Modbus code. CPU is the whole process (client and server side) per read.");
        report.AppendLine();
        report.AppendLine("| requests in flight | raw socket limit (reads/s) | Lifeline `ModbusTcpClient` → `ModbusTcpServer` (reads/s) | ratio to raw | CPU per read, raw / Lifeline |");
        report.AppendLine("|---|---|---|---|---|");
        foreach (var depth in Depths)
        {
            var raw = new List<Measured>();
            var lifeline = new List<Measured>();
            for (var r = 0; r < repeats; r++)
            {
                raw.Add(await RawReadsAsync(reads, depth));
                lifeline.Add(await LifelineReadsAsync(reads, depth));
                Console.WriteLine($"{depth} in flight, run {r + 1}: raw {raw[^1].PerSecond:N0} reads/s, Lifeline {lifeline[^1].PerSecond:N0} reads/s");
            }

            var rawRate = IngestHarness.Median(raw.Select(m => m.PerSecond).ToList());
            var rate = IngestHarness.Median(lifeline.Select(m => m.PerSecond).ToList());
            var rawCpu = IngestHarness.Median(raw.Select(m => m.CpuMicrosecondsPerRead).ToList());
            var cpu = IngestHarness.Median(lifeline.Select(m => m.CpuMicrosecondsPerRead).ToList());
            report.AppendLine(CultureInfo.InvariantCulture, $"| {depth} | {rawRate:N0} | {rate:N0} | {rate / rawRate:P0} | {rawCpu:F1} µs / {cpu:F1} µs |");
        }

        return report.ToString();
    }

    /// <summary>Reads with <paramref name="depth"/> callers on one client whose <c>MaxInFlight</c> is <paramref name="depth"/>.</summary>
    private static async Task<Measured> LifelineReadsAsync(int reads, int depth)
    {
        var store = new ModbusDataStore(coils: 0, discreteInputs: 0, holdingRegisters: RegisterCount, inputRegisters: 0);
        store.SetHoldingRegisters(0, ExpectedRegisters());
        await using var server = new ModbusTcpServer(new ModbusTcpServerOptions { Address = IPAddress.Loopback, Port = 0 });
        server.AddUnit(Unit, store);
        await server.StartAsync();
        await using var client = await ModbusTcpClient.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port, new ModbusTcpClientOptions { MaxInFlight = depth });
        var cpu = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, depth).Select(w => Task.Run(() => ReadLoopAsync(client, Share(reads, depth, w)))));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new Measured(reads / seconds, (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / reads);
    }

    private static async Task ReadLoopAsync(ModbusTcpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var registers = await client.ReadHoldingRegistersAsync(Unit, 0, RegisterCount);
            if (registers[^1] != FirstValue + RegisterCount - 1)
            {
                throw new InvalidOperationException($"read returned {string.Join(',', registers)}");
            }
        }
    }

    /// <summary>The same exchange over a plain socket pair: no framing, no transaction matching, no per-request task.</summary>
    private static async Task<Measured> RawReadsAsync(int reads, int depth)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var accepting = listener.AcceptAsync();

        // Socket options as in the library: the client sets NoDelay, the server keeps the defaults.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await accepting;
        var responder = Task.Run(() => RespondAsync(server));
        var cpu = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        await RequestAsync(client, reads, depth);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuPerRead = (Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / reads;
        client.Shutdown(SocketShutdown.Send);
        await responder;
        return new Measured(reads / seconds, cpuPerRead);
    }

    /// <summary>Keeps <paramref name="depth"/> requests outstanding: each batch of responses that arrives is refilled by one write.</summary>
    private static async Task RequestAsync(Socket socket, int reads, int depth)
    {
        var requests = new byte[depth * RequestBytes];
        for (var k = 0; k < depth; k++)
        {
            RawRequest(0).CopyTo(requests, k * RequestBytes);
        }

        var input = new byte[64 * 1024];
        ushort transaction = 0;
        var sent = Math.Min(depth, reads);
        transaction = Stamp(requests, sent, transaction);
        await SendAllAsync(socket, requests.AsMemory(0, sent * RequestBytes));
        long received = 0;
        var answered = 0;
        while (answered < reads)
        {
            var n = await socket.ReceiveAsync(input, SocketFlags.None);
            if (n == 0)
            {
                throw new IOException($"the raw responder closed after {answered:N0} of {reads:N0} responses");
            }

            received += n;
            var complete = (int)(received / ResponseBytes);
            var more = Math.Min(complete - answered, reads - sent);
            answered = complete;
            if (more > 0)
            {
                transaction = Stamp(requests, more, transaction);
                await SendAllAsync(socket, requests.AsMemory(0, more * RequestBytes));
                sent += more;
            }
        }
    }

    /// <summary>Answers every complete 12-byte request with the fixed 29-byte response (transaction id echoed); what arrived together is answered in one write.</summary>
    private static async Task RespondAsync(Socket socket)
    {
        var input = new byte[64 * 1024];
        var output = new byte[input.Length / RequestBytes * ResponseBytes];
        var template = RawResponse(0);
        var filled = 0;
        while (true)
        {
            var n = await socket.ReceiveAsync(input.AsMemory(filled), SocketFlags.None);
            if (n == 0)
            {
                return;
            }

            filled += n;
            var requests = filled / RequestBytes;
            for (var k = 0; k < requests; k++)
            {
                var response = output.AsSpan(k * ResponseBytes, ResponseBytes);
                template.CopyTo(response);
                input.AsSpan(k * RequestBytes, 2).CopyTo(response);
            }

            if (requests > 0)
            {
                await SendAllAsync(socket, output.AsMemory(0, requests * ResponseBytes));
            }

            var rest = filled - (requests * RequestBytes);
            input.AsSpan(requests * RequestBytes, rest).CopyTo(input);
            filled = rest;
        }
    }

    private static ushort Stamp(byte[] requests, int count, ushort transaction)
    {
        for (var k = 0; k < count; k++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(requests.AsSpan(k * RequestBytes), ++transaction);
        }

        return transaction;
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None);
            data = data[sent..];
        }
    }

    /// <summary>MBAP header (transaction, protocol 0, length 6, unit) + function 3, address 0, quantity 10.</summary>
    private static byte[] RawRequest(ushort transaction)
    {
        var frame = new byte[RequestBytes];
        BinaryPrimitives.WriteUInt16BigEndian(frame, transaction);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), RequestBytes - 6);
        frame[6] = Unit;
        frame[7] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(10), RegisterCount);
        return frame;
    }

    /// <summary>MBAP header (transaction, protocol 0, length 23, unit) + function 3, byte count 20, the 10 registers.</summary>
    private static byte[] RawResponse(ushort transaction)
    {
        var frame = new byte[ResponseBytes];
        BinaryPrimitives.WriteUInt16BigEndian(frame, transaction);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), ResponseBytes - 6);
        frame[6] = Unit;
        frame[7] = 3;
        frame[8] = RegisterCount * 2;
        var registers = ExpectedRegisters();
        for (var i = 0; i < registers.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(9 + (2 * i)), registers[i]);
        }

        return frame;
    }

    private static ushort[] ExpectedRegisters() => Enumerable.Range(FirstValue, RegisterCount).Select(v => (ushort)v).ToArray();

    /// <summary>The raw path's bytes must be exactly what our server answers to the same request.</summary>
    private static async Task CheckSameBytesAsync()
    {
        var store = new ModbusDataStore(coils: 0, discreteInputs: 0, holdingRegisters: RegisterCount, inputRegisters: 0);
        store.SetHoldingRegisters(0, ExpectedRegisters());
        await using var server = new ModbusTcpServer(new ModbusTcpServerOptions { Address = IPAddress.Loopback, Port = 0 });
        server.AddUnit(Unit, store);
        await server.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.LocalEndPoint);
        await SendAllAsync(socket, RawRequest(4242));
        var answer = new byte[ResponseBytes];
        var got = 0;
        while (got < answer.Length)
        {
            var n = await socket.ReceiveAsync(answer.AsMemory(got), SocketFlags.None);
            got += n > 0 ? n : throw new IOException("the server closed before answering");
        }

        if (!answer.AsSpan().SequenceEqual(RawResponse(4242)))
        {
            throw new InvalidOperationException($"ModbusTcpServer answered {Convert.ToHexString(answer)}, the raw responder sends {Convert.ToHexString(RawResponse(4242))}");
        }
    }

    private static int Share(int total, int parts, int index) => (total / parts) + (index < total % parts ? 1 : 0);

    private readonly record struct Measured(double PerSecond, double CpuMicrosecondsPerRead);

    // ---------------------------------------------------------------------------------------------------------------
    // 2. Poll-period jitter with 200 slaves at 1 Hz
    // ---------------------------------------------------------------------------------------------------------------

    private static async Task<string> JitterReportAsync(TimeSpan window)
    {
        var requestsPerPoll = ModbusBlockPlanner.Plan(PlcMap.Select(p => p.ToPoint()), new ModbusOptions().MaxRegisterGap, new ModbusOptions().MaxBitGap).Count;
        var registers = PlcMap.Where(p => !ModbusPoint.IsBitTable(p.Table)).Sum(p => p.Format.RegisterCount);
        var coils = PlcMap.Count(p => p.Table == ModbusTable.Coils);
        var results = new List<JitterResult>();
        foreach (var dead in (int[])[0, 1])
        {
            results.Add(await PollAtScaleAsync(Slaves, dead, window));
            var last = results[^1];
            Console.WriteLine($"{last.Scenario}: {last.PollsPerSecond:N1} polls/s of {last.Live}, jitter p50 {last.P50:F2} ms, p99 {last.P99:F2} ms, max {last.Max:F1} ms, CPU {last.CpuPerSecond:F3} s/s");
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## Poll-period jitter, {Slaves} slaves polled at 1 Hz");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"The real `ModbusPollerService` (default options: 1 request in flight per device, 1 s request timeout, 1 retry) polling {Slaves} `ModbusTcpServer` slaves, one port each; profile of a pumping-station PLC: {registers} input registers + {coils} coils, {PlcMap.Length} values, read as {requestsPerPoll} requests per poll. Each poll's time is taken when its batch reaches the sink (after the last response); period = time between consecutive polls of one device, jitter = |period − 1 s|, over all live devices' periods in a {window.TotalSeconds:F0} s window after every device has polled 3 times. CPU: the whole process (poller and the {Slaves} slaves) per second of wall time.");
        report.AppendLine();
        report.AppendLine("| slaves | live devices | polls/s achieved (expected) | polls per live device | jitter p50 | jitter p99 | jitter max | periods off by > 0.5 s | process CPU (s per s) |");
        report.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Live} | {r.PollsPerSecond:N1} ({r.Live:N0}) | {r.MinPolls}–{r.MaxPolls} | {r.P50:F2} ms | {r.P99:F2} ms | {r.Max:F1} ms | {r.Late} | {r.CpuPerSecond:F3} |");
        }

        report.AppendLine();
        foreach (var r in results.Where(r => r.DeadNote is not null))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"Dead slave: {r.DeadNote}");
        }

        var incomplete = results.Sum(r => r.IncompleteBatches);
        report.AppendLine(CultureInfo.InvariantCulture, $"Every live poll delivered all {PlcMap.Length} values: {(incomplete == 0 ? "yes" : $"no, {incomplete} incomplete batches")}.");
        return report.ToString();
    }

    private static async Task<JitterResult> PollAtScaleAsync(int slaves, int deadCount, TimeSpan window)
    {
        var scenario = deadCount == 0 ? $"{slaves} alive" : $"{slaves - deadCount} alive + {deadCount} dead (accepts, never answers)";
        var servers = new List<ModbusTcpServer>();
        var silent = new List<SilentSlave>();
        var ports = new int[slaves];
        var deadIndexes = Enumerable.Range(0, deadCount).Select(k => (slaves / 2) + k).ToHashSet();
        try
        {
            for (var i = 0; i < slaves; i++)
            {
                if (deadIndexes.Contains(i))
                {
                    var slave = new SilentSlave();
                    silent.Add(slave);
                    ports[i] = slave.Port;
                    continue;
                }

                var server = new ModbusTcpServer(new ModbusTcpServerOptions { Address = IPAddress.Loopback, Port = 0 });
                server.AddUnit(Unit, PlcStore());
                await server.StartAsync();
                servers.Add(server);
                ports[i] = server.LocalEndPoint.Port;
            }

            var plan = Plan(ports);
            var ids = plan.Devices.Select(d => d.DeviceId).ToList();
            var deadIds = deadIndexes.Select(i => ids[i]).ToHashSet(StringComparer.Ordinal);
            var liveIds = ids.Where(id => !deadIds.Contains(id)).ToList();
            var sink = new PollRecorder(ids);
            var state = new ModbusPollerState();
            using var metrics = new ModbusMetrics();
            var options = new ModbusOptions { Enabled = true };
            using var service = new ModbusPollerService(plan, sink, state, metrics, Options.Create(options), TimeProvider.System, NullLogger<ModbusPollerService>.Instance);
            var startedAt = Stopwatch.GetTimestamp();
            await service.StartAsync(CancellationToken.None);
            try
            {
                var warmUp = Stopwatch.StartNew();
                while (!liveIds.All(id => sink.Count(id) >= 3))
                {
                    if (warmUp.Elapsed > TimeSpan.FromSeconds(60))
                    {
                        throw new TimeoutException($"after 60 s only {liveIds.Count(id => sink.Count(id) >= 3)} of {liveIds.Count} live devices have polled 3 times");
                    }

                    await Task.Delay(50);
                }

                var cpu = Environment.CpuUsage.TotalTime;
                var t0 = Stopwatch.GetTimestamp();
                await Task.Delay(window, TimeProvider.System);
                var t1 = Stopwatch.GetTimestamp();
                var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
                var seconds = Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;

                var jitter = new List<double>();
                var counts = new List<int>();
                foreach (var id in liveIds)
                {
                    var polls = sink.Polls(id).Where(t => t >= t0 && t <= t1).ToList();
                    counts.Add(polls.Count);
                    for (var k = 1; k < polls.Count; k++)
                    {
                        jitter.Add(Math.Abs(Stopwatch.GetElapsedTime(polls[k - 1], polls[k]).TotalMilliseconds - Period.TotalMilliseconds));
                    }
                }

                jitter.Sort();
                string? deadNote = null;
                if (deadIds.Count > 0)
                {
                    var notes = deadIds.Select(id =>
                    {
                        var snapshot = state.TryGet(id, out var s) ? s.Snapshot() : throw new InvalidOperationException($"{id} is not polled");
                        var offline = sink.Offline(id);
                        var lost = offline is { } at ? $"communication loss reported {Stopwatch.GetElapsedTime(startedAt, at).TotalSeconds:F1} s after the poller started" : "communication loss NOT reported";
                        return $"{lost}; {snapshot.Polls} polls, {snapshot.FailedPolls} failed, {snapshot.Timeouts} timeouts, {sink.Count(id)} batches, accepted {silent.Sum(x => x.Connections)} connection(s).";
                    });
                    deadNote = string.Join(' ', notes);
                }

                var late = jitter.Count(j => j > Period.TotalMilliseconds / 2);
                return new JitterResult(
                    scenario,
                    liveIds.Count,
                    counts.Sum() / seconds,
                    counts.Min(),
                    counts.Max(),
                    Percentile(jitter, 0.50),
                    Percentile(jitter, 0.99),
                    jitter[^1],
                    late,
                    cpuSeconds / seconds,
                    liveIds.Sum(sink.Incomplete),
                    deadNote);
            }
            finally
            {
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await service.StopAsync(stopping.Token);
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            foreach (var slave in silent)
            {
                await slave.DisposeAsync();
            }
        }
    }

    private static ModbusPollPlan Plan(int[] ports)
    {
        var group = new ModbusPollGroup("main", Period, PlcMap.Select(p => p.ToPoint()).ToList());
        var profile = new ModbusProfile(Model, [group], new HashSet<string>(StringComparer.Ordinal), []);
        var location = new AssetLocation { SiteId = "bench", SiteKind = SiteKind.SewagePlant, StationId = "bench-pumps", Description = "Benchmark plant · pumps" };
        var devices = ports.Select((port, i) =>
        {
            var channels = PlcMap.Select(p => p.Table == ModbusTable.Coils ? new Channel(p.Name, Flag, 0, 1) : new Channel(p.Name, Analog, Analog.Min, Analog.Max)).ToList();
            var device = new Device($"bench-plc-{i + 1:D3}", Model, location, channels, Period);
            return new ModbusDeviceConfig(device, "127.0.0.1", port, Unit, profile, profile.Groups);
        }).ToList();
        return new ModbusPollPlan(new Dictionary<string, ModbusProfile>(StringComparer.Ordinal) { [Model] = profile }, devices);
    }

    private static ModbusDataStore PlcStore()
    {
        var registers = new ushort[PlcMap.Where(p => !ModbusPoint.IsBitTable(p.Table)).Max(p => p.Address + p.Format.RegisterCount)];
        var coils = new bool[PlcMap.Where(p => p.Table == ModbusTable.Coils).Max(p => p.Address + 1)];
        foreach (var p in PlcMap)
        {
            if (p.Table == ModbusTable.Coils)
            {
                coils[p.Address] = p.Value != 0;
            }
            else
            {
                p.Format.Encode(p.Value, registers.AsSpan(p.Address, p.Format.RegisterCount));
            }
        }

        var store = new ModbusDataStore(coils: coils.Length, discreteInputs: 0, holdingRegisters: 0, inputRegisters: registers.Length);
        store.SetInputRegisters(0, registers);
        store.SetCoils(0, coils);
        return store;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];

    private sealed record PointSpec(string Name, ModbusTable Table, ushort Address, ModbusValueFormat Format, double Value)
    {
        public ModbusPoint ToPoint() => new(Name, Table, Address, Format);
    }

    private sealed record JitterResult(
        string Scenario,
        int Live,
        double PollsPerSecond,
        int MinPolls,
        int MaxPolls,
        double P50,
        double P99,
        double Max,
        int Late,
        double CpuPerSecond,
        int IncompleteBatches,
        string? DeadNote);

    /// <summary>Records when each device's batch arrives (Stopwatch timestamps) and the offline reports.</summary>
    private sealed class PollRecorder : ITelemetrySink
    {
        private readonly Dictionary<string, DeviceLog> _devices;

        public PollRecorder(IEnumerable<string> deviceIds) =>
            _devices = deviceIds.ToDictionary(id => id, _ => new DeviceLog(), StringComparer.Ordinal);

        public ValueTask<Task> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken)
        {
            var at = Stopwatch.GetTimestamp();
            var log = _devices[batch.DeviceId];
            lock (log.Lock)
            {
                log.Polls.Add(at);
                if (batch.Readings.Count != PlcMap.Length)
                {
                    log.Incomplete++;
                }
            }

            return ValueTask.FromResult(Task.CompletedTask);
        }

        public void DeviceStatusChanged(string deviceId, bool online, DateTimeOffset at)
        {
            var log = _devices[deviceId];
            lock (log.Lock)
            {
                if (!online)
                {
                    log.Offline ??= Stopwatch.GetTimestamp();
                }
            }
        }

        public int Count(string deviceId)
        {
            var log = _devices[deviceId];
            lock (log.Lock)
            {
                return log.Polls.Count;
            }
        }

        public long[] Polls(string deviceId)
        {
            var log = _devices[deviceId];
            lock (log.Lock)
            {
                return [.. log.Polls];
            }
        }

        public int Incomplete(string deviceId)
        {
            var log = _devices[deviceId];
            lock (log.Lock)
            {
                return log.Incomplete;
            }
        }

        public long? Offline(string deviceId)
        {
            var log = _devices[deviceId];
            lock (log.Lock)
            {
                return log.Offline;
            }
        }

        private sealed class DeviceLog
        {
            public Lock Lock { get; } = new();

            public List<long> Polls { get; } = new(256);

            public int Incomplete { get; set; }

            public long? Offline { get; set; }
        }
    }

    /// <summary>A port that accepts connections and reads whatever comes, never answering: a hung device.</summary>
    private sealed class SilentSlave : IAsyncDisposable
    {
        private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Socket> _accepted = [];
        private readonly Task _accepting;
        private int _connections;

        public SilentSlave()
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen();
            Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
            _accepting = AcceptAsync();
        }

        public int Port { get; }

        public int Connections => Volatile.Read(ref _connections);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            await _accepting;
            lock (_accepted)
            {
                foreach (var socket in _accepted)
                {
                    socket.Dispose();
                }
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    lock (_accepted)
                    {
                        _accepted.Add(socket);
                    }

                    _ = DiscardAsync(socket);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task DiscardAsync(Socket socket)
        {
            var buffer = new byte[512];
            try
            {
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
