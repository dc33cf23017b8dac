using System.Text.Json;

namespace Lifeline.Influx;

/// <summary>The unit of numeric times in query results (the <c>epoch</c> parameter of <c>/query</c>).</summary>
public enum InfluxEpoch
{
    /// <summary>Nanoseconds (<c>epoch=ns</c>): exact times.</summary>
    Nanoseconds,

    /// <summary>Microseconds (<c>epoch=u</c>).</summary>
    Microseconds,

    /// <summary>Milliseconds (<c>epoch=ms</c>), the default.</summary>
    Milliseconds,

    /// <summary>Seconds (<c>epoch=s</c>).</summary>
    Seconds,
}

/// <summary>The answer to an InfluxQL query: the series of every statement, in order.</summary>
public sealed class InfluxQueryResult
{
    private InfluxQueryResult(IReadOnlyList<InfluxSeries> series, IReadOnlyList<string> messages, InfluxEpoch epoch)
    {
        Series = series;
        Messages = messages;
        Epoch = epoch;
    }

    /// <summary>All series of all statements (each knows its <see cref="InfluxSeries.StatementId"/>).</summary>
    public IReadOnlyList<InfluxSeries> Series { get; }

    /// <summary>Informational messages of the server (e.g. deprecation warnings), as <c>level: text</c>.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The unit of the time column.</summary>
    public InfluxEpoch Epoch { get; }

    /// <summary>
    /// Parses a JSON answer of <c>/query</c>. A top-level <c>error</c> or a statement's <c>error</c> throws
    /// <see cref="InfluxQueryException"/> with the server's message.
    /// </summary>
    public static InfluxQueryResult Parse(string json, InfluxEpoch epoch)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InfluxQueryException($"InfluxDB's answer is not JSON: {Shorten(json)}", null, null, e);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InfluxQueryException($"InfluxDB's answer is not a JSON object: {Shorten(json)}");
        }

        if (root.TryGetProperty("error", out var topError))
        {
            var message = topError.ValueKind == JsonValueKind.String ? topError.GetString()! : topError.GetRawText();
            throw new InfluxQueryException($"InfluxQL query failed: {message}", message);
        }

        var series = new List<InfluxSeries>();
        var messages = new List<string>();
        if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
        {
            return new InfluxQueryResult(series, messages, epoch);
        }

        var index = 0;
        foreach (var statement in results.EnumerateArray())
        {
            var statementId = statement.TryGetProperty("statement_id", out var id) && id.TryGetInt32(out var n) ? n : index;
            index++;
            if (statement.TryGetProperty("error", out var error))
            {
                var message = error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText();
                throw new InfluxQueryException($"InfluxQL statement {statementId} failed: {message}", message);
            }

            if (statement.TryGetProperty("messages", out var notes) && notes.ValueKind == JsonValueKind.Array)
            {
                foreach (var note in notes.EnumerateArray())
                {
                    var level = note.TryGetProperty("level", out var l) ? l.GetString() : "info";
                    var text = note.TryGetProperty("text", out var t) ? t.GetString() : note.GetRawText();
                    messages.Add($"{level}: {text}");
                }
            }

            if (statement.TryGetProperty("series", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    series.Add(InfluxSeries.Parse(item, statementId, epoch));
                }
            }
        }

        return new InfluxQueryResult(series, messages, epoch);
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}

/// <summary>One series of a query answer: a measurement (and tag set, with GROUP BY) with its columns and rows.</summary>
public sealed class InfluxSeries
{
    private readonly Dictionary<string, int> _columnIndex;

    private InfluxSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<JsonElement>> values, int statementId, bool partial, InfluxEpoch epoch)
    {
        Name = name;
        Tags = tags;
        Columns = columns;
        Values = values;
        StatementId = statementId;
        Partial = partial;
        Epoch = epoch;
        _columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            _columnIndex.TryAdd(columns[i], i);
        }
    }

    /// <summary>The measurement (or e.g. <c>databases</c> for SHOW DATABASES).</summary>
    public string Name { get; }

    /// <summary>The tags of the series (GROUP BY tag); empty without grouping.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>The column names, usually <c>time</c> first.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows, each with one value per column (JSON null for an empty GROUP BY time interval).</summary>
    public IReadOnlyList<IReadOnlyList<JsonElement>> Values { get; }

    /// <summary>The index of the statement in the query this series answers.</summary>
    public int StatementId { get; }

    /// <summary>True when the server truncated the series (row limit).</summary>
    public bool Partial { get; }

    /// <summary>The unit of the time column.</summary>
    public InfluxEpoch Epoch { get; }

    /// <summary>The index of a column; throws <see cref="KeyNotFoundException"/> naming the columns there are.</summary>
    public int ColumnIndex(string column) => _columnIndex.TryGetValue(column, out var index)
        ? index
        : throw new KeyNotFoundException($"Series '{Name}' has no column '{column}' (columns: {string.Join(", ", Columns)})");

    /// <summary>A numeric value as double; null for JSON null.</summary>
    public double? GetDouble(int row, string column) => ToDouble(Values[row][ColumnIndex(column)], column);

    /// <summary>An integer value; null for JSON null.</summary>
    public long? GetInt64(int row, string column)
    {
        var value = Values[row][ColumnIndex(column)];
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            _ => throw new InvalidOperationException($"Column '{column}' of series '{Name}' holds {value.GetRawText()}, not an integer"),
        };
    }

    /// <summary>A string value (tags, string fields); null for JSON null.</summary>
    public string? GetString(int row, string column)
    {
        var value = Values[row][ColumnIndex(column)];
        return value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            _ => value.GetRawText(),
        };
    }

    /// <summary>The whole column as doubles (null where the row has none).</summary>
    public IReadOnlyList<double?> GetDoubles(string column)
    {
        var index = ColumnIndex(column);
        return Values.Select(row => ToDouble(row[index], column)).ToList();
    }

    /// <summary>The raw <c>time</c> of a row in <see cref="Epoch"/> units (nanoseconds with <see cref="InfluxEpoch.Nanoseconds"/>: exact).</summary>
    public long GetEpochTime(int row) => GetInt64(row, "time")
        ?? throw new InvalidOperationException($"Row {row} of series '{Name}' has no time");

    /// <summary>The <c>time</c> of a row (to 100 ns, the resolution of <see cref="DateTimeOffset"/>).</summary>
    public DateTimeOffset GetTime(int row)
    {
        var raw = GetEpochTime(row);
        return Epoch switch
        {
            InfluxEpoch.Nanoseconds => DateTimeOffset.UnixEpoch.AddTicks(raw / 100),
            InfluxEpoch.Microseconds => DateTimeOffset.UnixEpoch.AddTicks(raw * 10),
            InfluxEpoch.Milliseconds => DateTimeOffset.FromUnixTimeMilliseconds(raw),
            InfluxEpoch.Seconds => DateTimeOffset.FromUnixTimeSeconds(raw),
            _ => throw new InvalidOperationException($"Unknown epoch {Epoch}"),
        };
    }

    /// <summary>The times of all rows.</summary>
    public IReadOnlyList<DateTimeOffset> GetTimes() => Enumerable.Range(0, Values.Count).Select(GetTime).ToList();

    internal static InfluxSeries Parse(JsonElement item, int statementId, InfluxEpoch epoch)
    {
        var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : string.Empty;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var tag in t.EnumerateObject())
            {
                tags[tag.Name] = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString()! : tag.Value.GetRawText();
            }
        }

        var columns = item.TryGetProperty("columns", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList()
            : [];
        var values = item.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(row => (IReadOnlyList<JsonElement>)row.EnumerateArray().ToList()).ToList()
            : [];
        var partial = item.TryGetProperty("partial", out var p) && p.ValueKind == JsonValueKind.True;
        return new InfluxSeries(name, tags, columns, values, statementId, partial, epoch);
    }

    private double? ToDouble(JsonElement value, string column) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => value.GetDouble(),
        _ => throw new InvalidOperationException($"Column '{column}' of series '{Name}' holds {value.GetRawText()}, not a number"),
    };
}
