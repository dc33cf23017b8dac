namespace Lifeline.Notifications.Channels;

/// <summary>One configured channel, <c>Notifications:Channels:{name}</c>. Credentials come from configuration or the environment, never from the repository.</summary>
public sealed class ChannelOptions
{
    /// <summary><c>Email</c>, <c>Webhook</c>, <c>WeCom</c>, <c>DingTalk</c> or <c>Sms</c>.</summary>
    public ChannelType? Type { get; set; }

    /// <summary>Webhook, robot or SMS gateway address (for WeCom and DingTalk the robot's full URL with its key or access token).</summary>
    public Uri? Url { get; set; }

    /// <summary>WeCom: <c>markdown</c> (default) or <c>text</c> (text can mention the person called by phone number).</summary>
    public string Format { get; set; } = "markdown";

    /// <summary>DingTalk: the robot's signing secret (<c>SEC…</c>); when set, each request carries <c>timestamp</c> and <c>sign</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>SMTP server.</summary>
    public string? Host { get; set; }

    /// <summary>SMTP port (25, 465, 587).</summary>
    public int Port { get; set; } = 25;

    /// <summary>SMTP security: <c>None</c>, <c>Auto</c>, <c>StartTls</c>, <c>SslOnConnect</c>.</summary>
    public string Security { get; set; } = "Auto";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>E-mail sender, e.g. <c>Lifeline &lt;lifeline@example.cn&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>SMS gateway: HTTP method (<c>POST</c>, <c>GET</c>, <c>PUT</c>).</summary>
    public string Method { get; set; } = "POST";

    /// <summary>SMS gateway: content type of the body (<c>application/json</c> escapes placeholders as JSON strings, <c>application/x-www-form-urlencoded</c> URL-encodes them).</summary>
    public string ContentType { get; set; } = "application/json";

    /// <summary>SMS gateway: body template with <c>{phone}</c>, <c>{text}</c>, <c>{alarm}</c> placeholders (also allowed in the URL, URL-encoded there).</summary>
    public string? BodyTemplate { get; set; }

    /// <summary>Extra request headers (e.g. an API key for a webhook or gateway).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>This channel's queue size; default <c>Notifications:Delivery:QueueCapacity</c>.</summary>
    public int? QueueCapacity { get; set; }

    /// <summary>Longest text sent (SMS gateways and robots cut long messages); longer text is shortened.</summary>
    public int MaxLength { get; set; } = 4000;
}
