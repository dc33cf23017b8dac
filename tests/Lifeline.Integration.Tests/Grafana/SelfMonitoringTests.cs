using Lifeline.Server.SelfMonitoring;
using Lifeline.Storage.Forwarding;
using Lifeline.Storage.Records;
using Lifeline.Storage.Schema;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Integration.Tests.Grafana;

/// <summary>The self-monitoring writer on a real write-ahead log, driven by a <see cref="FakeTimeProvider"/>.</summary>
public sealed class SelfMonitoringTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("lifeline-selfmon-").FullName;
    private readonly FakeTimeProvider _time = new(T0);
    private readonly Lifeline.Testing.CapturingLogger<SelfMonitoringService> _log = new();

    [Fact]
    public async Task EveryInterval_AppendsTheIntervalsFiguresToTheLog()
    {
        await using var wal = OpenWal();
        var source = new ScriptedSource
        {
            Current = new PlatformFigures { Readings = 1_000, Messages = 100, PointsWritten = 500, RejectsByReason = new Dictionary<string, long> { ["MalformedJson"] = 1, ["UnknownDevice"] = 0 } },
        };
        using var service = Service(source, wal, TimeSpan.FromSeconds(10));
        await service.StartAsync(CancellationToken.None);
        SpinWait.SpinUntil(() => source.Reads > 0, TimeSpan.FromSeconds(10)).ShouldBeTrue("the service took its first figures (its timer runs)");

        source.Current = new PlatformFigures
        {
            Readings = 3_000,
            Messages = 300,
            PointsWritten = 2_500,
            WriteFailures = 2,
            AlarmsRaised = 4,
            RejectsByReason = new Dictionary<string, long> { ["MalformedJson"] = 4, ["UnknownDevice"] = 2 },
            WriteLatenciesMs = [.. Enumerable.Range(1, 100).Select(i => (double)i).Reverse()],
            WalBacklogBytes = 4096,
            ActiveAlarms = 3,
            DevicesReporting = 27,
        };
        _time.Advance(TimeSpan.FromSeconds(9));
        wal.GetStats().LastLsn.ShouldBe(0, "no sample before the interval is over");
        _time.Advance(TimeSpan.FromSeconds(1));
        var first = await ReadSampleAsync(wal, 1);

        first.Time.ShouldBe(T0.AddSeconds(10));
        first.Instance.ShouldBe("test-instance");
        first.Fields["readings_per_s"].ShouldBe(200);
        first.Fields["readings"].ShouldBe(2_000);
        first.Fields["messages_per_s"].ShouldBe(20);
        first.Fields["points_per_s"].ShouldBe(200);
        first.Fields["write_failures"].ShouldBe(2);
        first.Fields["alarms_raised"].ShouldBe(4);
        first.Fields["rejects_malformed_json"].ShouldBe(3);
        first.Fields["rejects_unknown_device"].ShouldBe(2);
        first.Fields["rejects"].ShouldBe(5);
        first.Fields["write_latency_ms_p50"].ShouldBe(50);
        first.Fields["write_latency_ms_p99"].ShouldBe(99);
        first.Fields["write_latency_ms_max"].ShouldBe(100);
        first.Fields["write_latency_ms_mean"].ShouldBe(50.5);
        first.Fields["wal_backlog_bytes"].ShouldBe(4096);
        first.Fields["active_alarms"].ShouldBe(3);
        first.Fields["devices_reporting"].ShouldBe(27);

        // Next interval: nothing written to InfluxDB, so no latency figures (rather than a misleading 0).
        source.Current = source.Current with { Readings = 3_500, WriteLatenciesMs = [] };
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await ReadSampleAsync(wal, 2);

        second.Time.ShouldBe(T0.AddSeconds(20));
        second.Fields["readings_per_s"].ShouldBe(50);
        second.Fields["rejects"].ShouldBe(0);
        second.Fields["alarms_raised"].ShouldBe(0);
        second.Fields.ShouldNotContainKey("write_latency_ms_p50");
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Sample_BecomesALifelinePlatformPoint()
    {
        var sample = new PlatformSample(T0, "node-1", new SortedDictionary<string, double>(StringComparer.Ordinal) { ["readings_per_s"] = 12.5, ["rejects"] = 0, ["bad"] = double.NaN });

        var line = PointSchema.Map(sample).ToLineProtocol();
        var finite = sample with { Fields = sample.Fields.Where(f => double.IsFinite(f.Value)).ToDictionary() };
        var decoded = PlatformSampleRecord.Read(Encode(finite));

        line.ShouldBe($"lifeline_platform,instance=node-1 readings_per_s=12.5,rejects=0 {PointSchema.UnixNanoseconds(T0)}");
        PointSchema.Map(decoded).ToLineProtocol().ShouldBe(line);
    }

    [Fact]
    public async Task StorageMeterReader_HearsOnlyItsOwnHostsStorageInstruments()
    {
        await using var wal = OpenWal();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var reader = new StorageMeterReader(factory);
        using var metrics = new StorageMetrics(factory, wal, _time);
        using var otherMetrics = new StorageMetrics(other.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), wal, _time);

        metrics.Written(5_000, TimeSpan.FromMilliseconds(12));
        metrics.Written(100, TimeSpan.FromMilliseconds(3));
        metrics.WriteFailed();
        metrics.Rejected(7);
        otherMetrics.Written(999, TimeSpan.FromMilliseconds(500));

        reader.PointsWritten.ShouldBe(5_100);
        reader.WriteFailures.ShouldBe(1);
        reader.PointsRejected.ShouldBe(7);
        reader.TakeLatencies().ShouldBe([12.0, 3.0]);
        reader.TakeLatencies().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("MalformedJson", "malformed_json")]
    [InlineData("OutOfPhysicalRange", "out_of_physical_range")]
    [InlineData("BadSeq", "bad_seq")]
    public void ReasonNames_AreSnakeCase(string reason, string field) => PlatformSampler.SnakeCase(reason).ShouldBe(field);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static byte[] Encode(PlatformSample sample)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        PlatformSampleRecord.Write(buffer, sample);
        return buffer.WrittenSpan.ToArray();
    }

    private WriteAheadLog OpenWal() => WriteAheadLog.Open(
        new WalOptions { Path = Path.Combine(_directory, Guid.NewGuid().ToString("N")), SegmentBytes = 64 * 1024, MaxBytes = 64L * 1024 * 1024, MaxRecordBytes = 1024 * 1024, Fsync = false },
        hasConsumer: true,
        _time,
        NullLogger.Instance);

    private SelfMonitoringService Service(IPlatformFigureSource source, WriteAheadLog wal, TimeSpan interval) =>
        new(source, wal, Options.Create(new SelfMonitoringOptions { Interval = interval, Instance = "test-instance" }), _time, _log);

    /// <summary>Waits (bounded) for record <paramref name="lsn"/> to be durable, and decodes it.</summary>
    private async Task<PlatformSample> ReadSampleAsync(WriteAheadLog wal, long lsn)
    {
        SpinWait.SpinUntil(() => wal.GetStats().DurableLsn >= lsn, TimeSpan.FromSeconds(10))
            .ShouldBeTrue($"record {lsn} on disk; log: {string.Join("; ", _log.Entries.Select(e => e.Message))}; stats {wal.GetStats()}");
        using var reader = wal.OpenReader(lsn);
        reader.TryRead(out var record).ShouldBeTrue();
        record.Kind.ShouldBe(WalRecordKind.PlatformSample);
        return PlatformSampleRecord.Read(record.Payload.Span);
    }

    private sealed class ScriptedSource : IPlatformFigureSource
    {
        private int _reads;

        public PlatformFigures Current { get; set; } = new();

        public int Reads => Volatile.Read(ref _reads);

        public PlatformFigures Read()
        {
            Interlocked.Increment(ref _reads);
            return Current;
        }
    }
}
