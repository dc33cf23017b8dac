namespace Lifeline.Contracts.Mqtt;

/// <summary>Why a payload, a message of a batch or a single value was rejected. Names are stable: they are counted and shown.</summary>
public enum PayloadError
{
    None,

    /// <summary>The payload is not well-formed JSON.</summary>
    MalformedJson,

    /// <summary>The payload is larger than the configured maximum.</summary>
    PayloadTooLarge,

    /// <summary>The JSON is neither an object nor an array of objects.</summary>
    NotAnObject,

    /// <summary>A batch holds more messages than allowed, or none.</summary>
    BadBatch,

    /// <summary>The message has no <c>values</c> object.</summary>
    MissingValues,

    /// <summary><c>ts</c> is not an integer number of unix milliseconds.</summary>
    BadTimestamp,

    /// <summary><c>seq</c> is not a non-negative integer.</summary>
    BadSeq,

    /// <summary>A value is neither a number nor a boolean.</summary>
    WrongValueType,

    /// <summary>A number is NaN or infinite (or too large to represent).</summary>
    NonFiniteValue,

    /// <summary>The topic is not <c>lifeline/{site}/{device}/telemetry</c>.</summary>
    BadTopic,

    /// <summary>No such device in the registry, or it belongs to another site.</summary>
    UnknownDevice,

    /// <summary>The device has no channel of that name.</summary>
    UnknownChannel,

    /// <summary>A boolean sent for an analog channel or a number for a boolean channel.</summary>
    ChannelTypeMismatch,

    /// <summary>The value is outside the channel's physical range.</summary>
    OutOfPhysicalRange,

    /// <summary>The timestamp is further in the future than the allowed clock skew.</summary>
    TimestampInFuture,

    /// <summary>The timestamp is older than the allowed backfill window.</summary>
    TimestampTooOld,

    /// <summary>A status message that is neither <c>online</c> nor <c>offline</c>.</summary>
    BadStatus,
}
