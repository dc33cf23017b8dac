using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

using Lifeline.Testing;

namespace Lifeline.Modbus.Ingestion.Tests.Support;

/// <summary>Keeps every log entry for assertions.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, int EventId, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));

    public int Count(int eventId, string deviceId) => Entries.Count(e => e.EventId == eventId && e.Message.Contains(deviceId, StringComparison.Ordinal));
}
