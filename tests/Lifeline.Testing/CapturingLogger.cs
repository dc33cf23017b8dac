using Microsoft.Extensions.Logging;

namespace Lifeline.Testing;

/// <summary>Keeps every formatted log entry so tests can count and read them. Thread-safe.</summary>
public class CapturingLogger : ILogger
{
    private readonly List<(LogLevel Level, EventId EventId, string Message)> _entries = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<(LogLevel Level, EventId EventId, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Entries with this event id whose message contains <paramref name="text"/>.</summary>
    public int Count(int eventId, string text)
    {
        lock (_gate)
        {
            return _entries.Count(e => e.EventId.Id == eventId && e.Message.Contains(text, StringComparison.Ordinal));
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_gate)
        {
            _entries.Add((logLevel, eventId, formatter(state, exception)));
        }
    }
}

/// <summary>A <see cref="CapturingLogger"/> for a category type.</summary>
public sealed class CapturingLogger<T> : CapturingLogger, ILogger<T>;
