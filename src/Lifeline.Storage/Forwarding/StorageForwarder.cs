using System.Diagnostics;
using System.Text;
using Lifeline.Influx;
using Lifeline.Storage.Records;
using Lifeline.Storage.Schema;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Lifeline.Storage.Forwarding;

/// <summary>
/// Drains the write-ahead log into InfluxDB in order: reads records from the checkpoint on, writes them in batches
/// through a resilience pipeline (per-attempt timeout, retries with exponential backoff and jitter, circuit breaker),
/// and checkpoints after each stored batch so a restart resumes where it stopped. A batch is retried until it is
/// stored — an outage only grows the backlog. A batch InfluxDB refuses as malformed is kept in a file with the reason.
/// </summary>
public sealed partial class StorageForwarder : BackgroundService, IForwarderStatus
{
    private readonly WriteAheadLog _wal;
    private readonly PointSchema _schema;
    private readonly IInfluxWriter _writer;
    private readonly InfluxConnectionCheck _check;
    private readonly ForwarderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StorageForwarder> _logger;
    private readonly StorageMetrics _metrics;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly Lock _gate = new();
    private ForwarderStatus _status = ForwarderStatus.Starting;
    private InfluxCheckResult? _lastCheck;
    private DateTimeOffset _lastCheckAt;

    public StorageForwarder(
        WriteAheadLog wal,
        PointSchema schema,
        IInfluxWriter writer,
        InfluxConnectionCheck check,
        IOptions<ForwarderOptions> options,
        StorageMetrics metrics,
        TimeProvider time,
        ILogger<StorageForwarder> logger)
    {
        _wal = wal;
        _schema = schema;
        _writer = writer;
        _check = check;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        metrics.Status = () => Status;
        var transient = new PredicateBuilder()
            .Handle<InfluxWriteException>(e => e.Kind != InfluxWriteFailure.Rejected)
            .Handle<TimeoutRejectedException>()
            .Handle<HttpRequestException>();
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = Math.Max(1, _options.RetryAttempts),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                MaxDelay = _options.MaxRetryDelay,
                OnRetry = args =>
                {
                    _metrics.WriteFailed();
                    SetFailing(args.Outcome.Exception);
                    Log.WriteRetry(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = _options.BreakDuration,
                StateProvider = _circuit,
                OnOpened = args =>
                {
                    Log.CircuitOpened(_logger, args.BreakDuration.TotalSeconds, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(_logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(_options.AttemptTimeout)
            .Build();
    }

    /// <summary>What the forwarder is doing, for /health and the console.</summary>
    public ForwarderStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status with { Circuit = _circuit.CircuitState.ToString(), Connection = _lastCheck?.Message };
            }
        }
    }

    // UTF-8 line protocol of the write in flight, reused from one write to the next (no large-object churn).
    private byte[] _encoded = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await CheckConnectionAsync(stoppingToken);
        using var reader = _wal.OpenReader(_wal.CheckpointLsn + 1);
        var batch = new LineBatch();

        // One batch is written while the next is read and encoded; checkpoints follow in order.
        Task? storing = null;
        long storingLast = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                batch.Clear();
                var (last, oldest) = await FillAsync(reader, batch, storing, stoppingToken);
                if (storing is not null)
                {
                    await storing;
                    _wal.Checkpoint(storingLast);
                    storing = null;
                }

                if (last == 0)
                {
                    continue;
                }

                SetOldest(oldest);
                if (batch.Count > 0)
                {
                    // StoreAsync copies the lines before its first await, so the batch can be refilled at once.
                    storing = StoreAsync(batch, last, stoppingToken);
                    storingLast = last;
                }
                else
                {
                    _wal.Checkpoint(last);
                }

                if (reader.Skipped > 0)
                {
                    _metrics.SkippedRegions(reader.Skipped);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Reads records into a batch; returns the last LSN taken (0 when none) and the append time of the first. With
    /// nothing to read it waits for new records, or until the write in flight (<paramref name="storing"/>) ends so its
    /// checkpoint is not held back.
    /// </summary>
    private async Task<(long Last, DateTimeOffset? Oldest)> FillAsync(WalReader reader, LineBatch batch, Task? storing, CancellationToken cancellationToken)
    {
        long last = 0;
        DateTimeOffset? oldest = null;
        var lingerUntil = (DateTimeOffset?)null;
        while (batch.Count < _options.BatchSize)
        {
            if (reader.TryRead(out var record))
            {
                oldest ??= record.AppendedAt;
                last = record.Lsn;
                Decode(record, batch);
                continue;
            }

            if (last == 0)
            {
                if (storing is not null)
                {
                    if (storing.IsCompleted)
                    {
                        break;
                    }

                    await Task.WhenAny(_wal.WaitForDurableAsync(reader.NextLsn - 1, cancellationToken), storing);
                    continue;
                }

                SetOldest(null);
                await _wal.WaitForDurableAsync(reader.NextLsn - 1, cancellationToken);
                continue;
            }

            // Part-filled: wait briefly for more so requests stay large under a steady trickle.
            lingerUntil ??= _time.GetUtcNow() + _options.Linger;
            var remaining = lingerUntil.Value - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            try
            {
                await _wal.WaitForDurableAsync(reader.NextLsn - 1, cancellationToken).WaitAsync(remaining, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                break;
            }
        }

        return (last, oldest);
    }

    private void Decode(WalRecord record, LineBatch batch)
    {
        try
        {
            switch (record.Kind)
            {
                case WalRecordKind.Telemetry:
                    batch.Count += _schema.AppendLineProtocol(TelemetryRecord.Read(record.Payload.Span), batch.Lines);
                    break;
                case WalRecordKind.AlarmEvent:
                    batch.Add(PointSchema.Map(AlarmEventRecord.Read(record.Payload.Span)).ToLineProtocol());
                    break;
                case WalRecordKind.PlatformSample:
                    batch.Add(PointSchema.Map(PlatformSampleRecord.Read(record.Payload.Span)).ToLineProtocol());
                    break;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException)
        {
            // The checksum held, so this is a record of a format this build does not read: keep it, never guess.
            KeepRejected($"record {record.Lsn} ({record.Kind}) cannot be decoded: {ex.Message}", Convert.ToBase64String(record.Payload.Span));
        }
    }

    private async Task StoreAsync(LineBatch batch, long last, CancellationToken cancellationToken)
    {
        // Encoded into the one reused buffer before the first await (the batch is refilled meanwhile); the next write
        // starts only after this one has ended, so the buffer is never shared.
        var lines = batch.Encode(ref _encoded);
        var count = batch.Count;
        while (true)
        {
            if (_lastCheck is not { Status: InfluxCheckStatus.Ok } && _time.GetUtcNow() - _lastCheckAt > TimeSpan.FromSeconds(10))
            {
                await CheckConnectionAsync(cancellationToken);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                await _pipeline.ExecuteAsync(async ct => await _writer.WriteLinesAsync(lines, count, ct), cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(started);
                _metrics.Written(count, elapsed);
                lock (_gate)
                {
                    _status = _status with
                    {
                        State = ForwarderState.Writing,
                        LastError = null,
                        LastSuccessAt = _time.GetUtcNow(),
                        PointsWritten = _status.PointsWritten + count,
                        LastWriteMs = elapsed.TotalMilliseconds,
                        StoredLsn = last,
                    };
                }

                return;
            }
            catch (InfluxWriteException ex) when (ex.Kind == InfluxWriteFailure.Rejected)
            {
                _metrics.Rejected(count);
                KeepRejected($"InfluxDB refused a batch of {count} points (LSN up to {last}): {ex.Message}", Encoding.UTF8.GetString(lines.Span));
                lock (_gate)
                {
                    _status = _status with { RejectedPoints = _status.RejectedPoints + count, LastError = ex.Message };
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Retries are spent or the circuit is open: wait, then try the same batch again. Never drop it.
                _metrics.WriteFailed();
                SetFailing(ex);
                if (ex is InfluxWriteException { Kind: InfluxWriteFailure.DatabaseMissing or InfluxWriteFailure.AuthRefused })
                {
                    _lastCheck = null;
                }

                var wait = ex is BrokenCircuitException broken && broken.RetryAfter is { } after ? after : _options.MaxRetryDelay;
                Log.BatchWaiting(_logger, count, wait.TotalSeconds, ex.Message);
                await Task.Delay(wait, _time, cancellationToken);
            }
        }
    }

    private async Task CheckConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var result = await _check.CheckAsync(cancellationToken);
            _lastCheck = result;
            if (result.Status == InfluxCheckStatus.Ok)
            {
                Log.CheckOk(_logger, result.Message);
            }
            else
            {
                Log.CheckFailed(_logger, result.Status.ToString(), result.Message);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _lastCheck = new InfluxCheckResult(InfluxCheckStatus.Unreachable, ex.Message, null, false);
            Log.CheckFailed(_logger, InfluxCheckStatus.Unreachable.ToString(), ex.Message);
        }

        _lastCheckAt = _time.GetUtcNow();
    }

    private void SetFailing(Exception? ex)
    {
        lock (_gate)
        {
            _status = _status with
            {
                State = _circuit.CircuitState == CircuitState.Open ? ForwarderState.CircuitOpen : ForwarderState.Failing,
                LastError = ex?.Message,
                Failures = _status.Failures + 1,
            };
        }
    }

    private void SetOldest(DateTimeOffset? oldest)
    {
        lock (_gate)
        {
            _status = _status with { OldestUnstoredAt = oldest };
        }
    }

    private void KeepRejected(string reason, string content)
    {
        try
        {
            var directory = Path.GetFullPath(_options.RejectedPath);
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, $"rejected-{_time.GetUtcNow():yyyyMMdd-HHmmss-fff}-{Guid.NewGuid():N}.lp");
            File.WriteAllText(file, $"# {reason.ReplaceLineEndings(" ")}\n{content}\n", Encoding.UTF8);
            Log.Rejected(_logger, reason, file);
        }
        catch (IOException ex)
        {
            Log.RejectedNotKept(_logger, reason, ex.Message);
        }
    }

    /// <summary>Line protocol of one write request, and how many points it holds.</summary>
    private sealed class LineBatch
    {
        public StringBuilder Lines { get; } = new(1 << 20);

        public int Count { get; set; }

        public void Add(string line)
        {
            if (Lines.Length > 0)
            {
                Lines.Append('\n');
            }

            Lines.Append(line);
            Count++;
        }

        /// <summary>The lines as UTF-8 in <paramref name="buffer"/>, grown (and then kept) when too small.</summary>
        public ReadOnlyMemory<byte> Encode(ref byte[] buffer)
        {
            var needed = 0;
            foreach (var chunk in Lines.GetChunks())
            {
                needed += Encoding.UTF8.GetByteCount(chunk.Span);
            }

            if (buffer.Length < needed)
            {
                buffer = new byte[needed + (needed / 4)];
            }

            var written = 0;
            foreach (var chunk in Lines.GetChunks())
            {
                written += Encoding.UTF8.GetBytes(chunk.Span, buffer.AsSpan(written));
            }

            return buffer.AsMemory(0, written);
        }

        public void Clear()
        {
            Lines.Clear();
            Count = 0;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 420, Level = LogLevel.Information, Message = "InfluxDB: {Message}")]
        public static partial void CheckOk(ILogger logger, string message);

        [LoggerMessage(EventId = 421, Level = LogLevel.Error, Message = "InfluxDB check failed ({Status}): {Message}. Readings stay in the write-ahead log until it is stored; alarming goes on")]
        public static partial void CheckFailed(ILogger logger, string status, string message);

        [LoggerMessage(EventId = 422, Level = LogLevel.Warning, Message = "InfluxDB write failed (attempt {Attempt}, next in {DelayMs:F0} ms): {Error}")]
        public static partial void WriteRetry(ILogger logger, int attempt, double delayMs, string? error);

        [LoggerMessage(EventId = 423, Level = LogLevel.Error, Message = "InfluxDB keeps failing; writes paused for {Seconds:F0} s: {Error}")]
        public static partial void CircuitOpened(ILogger logger, double seconds, string? error);

        [LoggerMessage(EventId = 424, Level = LogLevel.Information, Message = "InfluxDB writes succeed again")]
        public static partial void CircuitClosed(ILogger logger);

        [LoggerMessage(EventId = 425, Level = LogLevel.Warning, Message = "Batch of {Points} points not stored yet; trying again in {Seconds:F1} s: {Error}")]
        public static partial void BatchWaiting(ILogger logger, int points, double seconds, string error);

        [LoggerMessage(EventId = 426, Level = LogLevel.Error, Message = "{Reason}. Kept in {File}")]
        public static partial void Rejected(ILogger logger, string reason, string file);

        [LoggerMessage(EventId = 427, Level = LogLevel.Critical, Message = "{Reason}. Could not keep it on disk either: {Error}")]
        public static partial void RejectedNotKept(ILogger logger, string reason, string error);
    }
}
