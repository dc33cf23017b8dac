using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Storage.Records;

/// <summary>
/// Encodes a <see cref="TelemetryBatch"/> as a log record and back: device id, received-at, then per reading channel,
/// value, timestamp and optional seq. Times keep their full 100 ns resolution so a replayed reading has exactly the
/// identity it had the first time.
/// </summary>
public static class TelemetryRecord
{
    private const int MaxStringBytes = 1024;

    /// <summary>Writes the batch; use as a <see cref="Wal.WalPayloadWriter{TState}"/>.</summary>
    public static void Write(IBufferWriter<byte> destination, TelemetryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(batch);
        WriteString(destination, batch.DeviceId);
        WriteInt64(destination, batch.ReceivedAt.UtcTicks);
        WriteInt32(destination, batch.Readings.Count);
        foreach (var r in batch.Readings)
        {
            WriteString(destination, r.Channel);
            var span = destination.GetSpan(8 + 8 + 1 + 8);
            BinaryPrimitives.WriteDoubleLittleEndian(span, r.Value);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], r.Timestamp.UtcTicks);
            if (r.Seq is { } seq)
            {
                span[16] = 1;
                BinaryPrimitives.WriteInt64LittleEndian(span[17..], seq);
                destination.Advance(25);
            }
            else
            {
                span[16] = 0;
                destination.Advance(17);
            }
        }
    }

    /// <summary>Reads a batch written by <see cref="Write"/>. Throws <see cref="InvalidDataException"/> on malformed input.</summary>
    public static TelemetryBatch Read(ReadOnlySpan<byte> source)
    {
        var reader = new SpanReader(source);
        var device = reader.String();
        var receivedAt = reader.Time();
        var count = reader.Int32();
        if (count < 0 || count > source.Length)
        {
            throw new InvalidDataException($"telemetry record of device {device} claims {count} readings");
        }

        var readings = new Reading[count];
        for (var i = 0; i < count; i++)
        {
            var channel = reader.String();
            var value = reader.Double();
            var timestamp = reader.Time();
            long? seq = reader.Byte() switch
            {
                0 => null,
                1 => reader.Int64(),
                var flag => throw new InvalidDataException($"telemetry record of device {device} has seq flag {flag}"),
            };
            readings[i] = new Reading(device, channel, value, timestamp, seq);
        }

        if (reader.Remaining > 0)
        {
            throw new InvalidDataException($"telemetry record of device {device} has {reader.Remaining} bytes after its {count} readings");
        }

        return new TelemetryBatch(device, readings, receivedAt);
    }

    private static void WriteString(IBufferWriter<byte> destination, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max > MaxStringBytes * 4)
        {
            throw new ArgumentException($"identifier of {value.Length} characters is too long for a log record");
        }

        var span = destination.GetSpan(2 + max);
        var written = Encoding.UTF8.GetBytes(value, span[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)written);
        destination.Advance(2 + written);
    }

    private static void WriteInt64(IBufferWriter<byte> destination, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination.GetSpan(8), value);
        destination.Advance(8);
    }

    private static void WriteInt32(IBufferWriter<byte> destination, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination.GetSpan(4), value);
        destination.Advance(4);
    }

    private ref struct SpanReader(ReadOnlySpan<byte> source)
    {
        private readonly ReadOnlySpan<byte> _source = source;
        private int _position;

        public string String()
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
            return Encoding.UTF8.GetString(Take(length));
        }

        public readonly int Remaining => _source.Length - _position;

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public DateTimeOffset Time()
        {
            var ticks = Int64();
            if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                throw new InvalidDataException($"telemetry record holds a time of {ticks} ticks, out of range");
            }

            return new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        public byte Byte() => Take(1)[0];

        private ReadOnlySpan<byte> Take(int count)
        {
            if (_position + count > _source.Length)
            {
                throw new InvalidDataException($"telemetry record ends after {_source.Length} bytes, {_position + count} needed");
            }

            var span = _source.Slice(_position, count);
            _position += count;
            return span;
        }
    }
}
