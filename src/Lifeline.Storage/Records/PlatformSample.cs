using System.Buffers;

namespace Lifeline.Storage.Records;

/// <summary>
/// The platform's own figures over one interval (readings per second, rejects, write-ahead log backlog, InfluxDB write
/// latency, alarms raised...), stored like readings in <c>lifeline_platform</c>.
/// </summary>
/// <param name="Time">End of the interval.</param>
/// <param name="Instance">Which server produced it (the <c>instance</c> tag).</param>
/// <param name="Fields">Field name → value; every field is a float in InfluxDB.</param>
public sealed record PlatformSample(DateTimeOffset Time, string Instance, IReadOnlyDictionary<string, double> Fields);

/// <summary>Encodes a <see cref="PlatformSample"/> as a log record (JSON) and back.</summary>
public static class PlatformSampleRecord
{
    public static void Write(IBufferWriter<byte> destination, PlatformSample sample) => JsonRecord.Write(destination, sample);

    public static PlatformSample Read(ReadOnlySpan<byte> source) => JsonRecord.Read<PlatformSample>(source);
}
