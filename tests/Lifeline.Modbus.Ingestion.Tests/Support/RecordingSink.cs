using Lifeline.Domain.Telemetry;

namespace Lifeline.Modbus.Ingestion.Tests.Support;

/// <summary>An <see cref="ITelemetrySink"/> that records every batch and status change, with waits on what it got.</summary>
internal sealed class RecordingSink : ITelemetrySink
{
    private readonly Lock _lock = new();
    private readonly List<TelemetryBatch> _batches = [];
    private readonly List<StatusChange> _statuses = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Record, then throw from both methods, as a broken pipeline would.</summary>
    public bool Throws { get; set; }

    public ValueTask<Task> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _batches.Add(batch);
        }

        Signal();
        return Throws ? throw new InvalidOperationException("the pipeline is broken") : ValueTask.FromResult(Task.CompletedTask);
    }

    public void DeviceStatusChanged(string deviceId, bool online, DateTimeOffset at)
    {
        lock (_lock)
        {
            _statuses.Add(new StatusChange(deviceId, online, at));
        }

        Signal();
        if (Throws)
        {
            throw new InvalidOperationException("the pipeline is broken");
        }
    }

    public IReadOnlyList<TelemetryBatch> Batches(string deviceId)
    {
        lock (_lock)
        {
            return _batches.Where(b => b.DeviceId == deviceId).ToList();
        }
    }

    public IReadOnlyList<StatusChange> Statuses(string deviceId)
    {
        lock (_lock)
        {
            return _statuses.Where(s => s.DeviceId == deviceId).ToList();
        }
    }

    public IReadOnlyList<StatusChange> AllStatuses()
    {
        lock (_lock)
        {
            return [.. _statuses];
        }
    }

    /// <summary>The latest value of each channel of a device.</summary>
    public IReadOnlyDictionary<string, double> Latest(string deviceId)
    {
        var latest = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var reading in Batches(deviceId).SelectMany(b => b.Readings))
        {
            latest[reading.Channel] = reading.Value;
        }

        return latest;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checking whenever something arrives; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<RecordingSink, bool> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds:F0} s: {what}");
            }
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    public sealed record StatusChange(string DeviceId, bool Online, DateTimeOffset At);
}
