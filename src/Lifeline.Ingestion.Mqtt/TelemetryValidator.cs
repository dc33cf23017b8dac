using System.Buffers;
using System.Text;
using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Microsoft.Extensions.Options;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>
/// Turns a telemetry message into accepted readings, checking it against the asset registry. Never throws on bad input:
/// the payload, a message of a batch or a single value is rejected with a counted reason, the rest is kept.
/// </summary>
public sealed class TelemetryValidator(AssetRegistry registry, IOptions<IngestionOptions> options, IngestionMetrics metrics, TimeProvider time)
{
    private readonly IngestionOptions _options = options.Value;

    /// <summary>
    /// Validates one payload; returns the accepted readings (possibly none) and the values outside their physical range
    /// (<see cref="TelemetryBatch.OutOfRange"/>, rejected but kept for anomaly detection), or null when nothing was usable.
    /// </summary>
    public TelemetryBatch? Validate(string topic, ReadOnlySequence<byte> payload, int maxPayloadBytes, int maxBatch)
    {
        metrics.MessageReceived();
        if (!MqttTopics.TryParse(topic, out var site, out var deviceId, out var kind) || kind != "telemetry")
        {
            metrics.Reject(PayloadError.BadTopic, topic, "expected lifeline/{site}/{device}/telemetry");
            return null;
        }

        if (!registry.TryGetDevice(deviceId, out var device) || device.SiteId != site)
        {
            metrics.Reject(PayloadError.UnknownDevice, topic, device is null ? $"no device '{deviceId}' in the registry" : $"device '{deviceId}' belongs to site '{device.SiteId}', not '{site}'");
            return null;
        }

        var parsed = TelemetryPayloadReader.Parse(payload, maxPayloadBytes, maxBatch);
        if (parsed.IsRejected)
        {
            metrics.Reject(parsed.Error, topic, parsed.Detail ?? parsed.Error.ToString());
            return null;
        }

        var now = time.GetUtcNow();
        var readings = new List<Reading>(parsed.Messages.Count * 8);
        List<Reading>? outOfRange = null;
        for (var m = 0; m < parsed.Messages.Count; m++)
        {
            var message = parsed.Messages[m];
            var where = parsed.Messages.Count > 1 ? $"[{m}]" : string.Empty;
            if (message.Error != PayloadError.None)
            {
                metrics.Reject(message.Error, topic, $"message{where}: {message.Error}");
                continue;
            }

            var ts = message.Ts is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(ms, 253_402_300_799_999)) : now;
            if (ts - now > _options.MaxFutureSkew)
            {
                metrics.Reject(PayloadError.TimestampInFuture, topic, $"message{where}: ts {ts:O} is {(ts - now).TotalSeconds:F0} s ahead of server time");
                continue;
            }

            if (now - ts > _options.MaxAge)
            {
                metrics.Reject(PayloadError.TimestampTooOld, topic, $"message{where}: ts {ts:O} is older than {_options.MaxAge.TotalDays:F0} days");
                continue;
            }

            foreach (var value in message.Values)
            {
                if (Check(device, value) is { } error)
                {
                    metrics.Reject(error.Reason, topic, $"message{where}: {value.Channel}: {error.Detail}");
                    if (error.Reason == PayloadError.OutOfPhysicalRange)
                    {
                        // Rejected, but a sensor fault for anomaly detection (and the message's seq was sent).
                        (outOfRange ??= []).Add(new Reading(device.Id, value.Channel, value.Value, ts, message.Seq));
                    }

                    continue;
                }

                readings.Add(new Reading(device.Id, value.Channel, value.Value, ts, message.Seq));
            }
        }

        if (readings.Count == 0 && outOfRange is null)
        {
            return null;
        }

        if (readings.Count > 0)
        {
            metrics.Accepted(readings.Count);
        }

        return new TelemetryBatch(device.Id, readings, now) { OutOfRange = outOfRange ?? (IReadOnlyList<Reading>)[] };
    }

    /// <summary>
    /// Checks a retained status message (<c>online</c> / <c>offline</c>, the device's last will) of a registry device.
    /// An empty payload (a cleared retained message) is no status and no error.
    /// </summary>
    public (string DeviceId, bool Online)? ValidateStatus(string topic, ReadOnlySequence<byte> payload)
    {
        if (!MqttTopics.TryParse(topic, out var site, out var deviceId, out var kind) || kind != "status")
        {
            metrics.Reject(PayloadError.BadTopic, topic, "expected lifeline/{site}/{device}/status");
            return null;
        }

        if (!registry.TryGetDevice(deviceId, out var device) || device.SiteId != site)
        {
            metrics.Reject(PayloadError.UnknownDevice, topic, $"no device '{deviceId}' on site '{site}' in the registry");
            return null;
        }

        var text = payload.Length <= 16 ? Encoding.UTF8.GetString(payload).Trim() : "(too long)";
        switch (text)
        {
            case MqttTopics.Online:
                return (device.Id, true);
            case MqttTopics.Offline:
                return (device.Id, false);
            case "":
                return null;
            default:
                metrics.Reject(PayloadError.BadStatus, topic, $"status must be '{MqttTopics.Online}' or '{MqttTopics.Offline}', got '{text}'");
                return null;
        }
    }

    private static (PayloadError Reason, string Detail)? Check(Device device, TelemetryValue value)
    {
        if (value.Error != PayloadError.None)
        {
            return (value.Error, value.Error == PayloadError.WrongValueType ? "must be a number or a boolean" : "must be a finite number");
        }

        if (!device.TryGetChannel(value.Channel, out var channel))
        {
            return (PayloadError.UnknownChannel, $"device '{device.Id}' has no such channel");
        }

        if (value.IsBoolean != (channel.Kind == ChannelKind.Boolean))
        {
            return (PayloadError.ChannelTypeMismatch, channel.Kind == ChannelKind.Boolean ? "expected true or false" : "expected a number");
        }

        if (!channel.IsInPhysicalRange(value.Value))
        {
            return (PayloadError.OutOfPhysicalRange, $"{value.Value} {channel.Unit} is outside the physical range {channel.Min}–{channel.Max}");
        }

        return null;
    }
}
