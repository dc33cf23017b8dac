using System.ComponentModel.DataAnnotations;
using Lifeline.Notifications.Channels;

namespace Lifeline.Notifications;

/// <summary>Crew notifications, configuration section <c>Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Send notifications. Off by default: channels and their credentials are a deployment's, never the repository's.</summary>
    public bool Enabled { get; set; }

    /// <summary>The roster file; default <c>{Assets:Path}/rosters.yaml</c>.</summary>
    public string? Path { get; set; }

    /// <summary>The address crews reach the server at, for acknowledgement links (e.g. <c>https://lifeline.example.cn</c>); without it messages carry no link.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The configured channels by name; rosters refer to them by that name.</summary>
    public Dictionary<string, ChannelOptions> Channels { get; set; } = new(StringComparer.Ordinal);

    public AckLinkOptions AckLinks { get; set; } = new();

    public RateLimitOptions RateLimit { get; set; } = new();

    public DeliveryOptions Delivery { get; set; } = new();

    public NotificationJournalOptions Journal { get; set; } = new();
}

/// <summary>Acknowledgement links (<c>Notifications:AckLinks</c>).</summary>
public sealed class AckLinkOptions
{
    /// <summary>The HMAC key (at least 32 characters). Without it a random key is generated once and kept in <see cref="KeyPath"/>.</summary>
    public string? Secret { get; set; }

    /// <summary>Where the generated key is kept, relative to the content root.</summary>
    public string KeyPath { get; set; } = "data/notifications-ack.key";

    /// <summary>How long a link works.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(12);
}

/// <summary>Per recipient and channel (<c>Notifications:RateLimit</c>): at most <see cref="Messages"/> in any <see cref="Window"/>; the rest go into one digest.</summary>
public sealed class RateLimitOptions
{
    [Range(1, 1000)]
    public int Messages { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Alarms listed one per line in a digest (the rest are counted).</summary>
    [Range(1, 200)]
    public int DigestLines { get; set; } = 10;
}

/// <summary>Delivery (<c>Notifications:Delivery</c>): a bounded queue and a worker per channel, retries with backoff per delivery.</summary>
public sealed class DeliveryOptions
{
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1000;

    [Range(0, 20)]
    public int Retries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
