using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lifeline.Notifications.Channels;

/// <summary>The HTTP channels: a generic JSON webhook, the WeCom and DingTalk group robots and an SMS gateway.</summary>
public abstract class HttpChannel : INotificationChannel
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected HttpChannel(string name, ChannelOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        Options = options;
        Http = http;
    }

    public string Name { get; }

    public abstract ChannelType Type { get; }

    protected ChannelOptions Options { get; }

    protected HttpClient Http { get; }

    public abstract Task SendAsync(OutboundMessage message, CancellationToken cancellationToken);

    protected static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, Math.Max(0, max - 1)), "…");

    /// <summary>Sends the request; a non-success status (or, for robots, a non-zero <c>errcode</c>) is a failure.</summary>
    protected async Task<string> SendRequestAsync(HttpRequestMessage request, bool robot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (key, value) in Options.Headers)
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        using var response = await Http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new NotificationDeliveryException($"{Name}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {Cut(body, 200)}");
        }

        if (robot)
        {
            // Robots answer 200 with {"errcode": 0, "errmsg": "ok"}; anything else is a refusal (bad key, bad sign, rate limit).
            try
            {
                var node = JsonNode.Parse(body);
                var code = node?["errcode"]?.GetValue<int>();
                if (code is not 0)
                {
                    throw new NotificationDeliveryException($"{Name}: robot refused the message: errcode {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}, {node?["errmsg"]}");
                }
            }
            catch (JsonException ex)
            {
                throw new NotificationDeliveryException($"{Name}: robot answered with something that is not JSON: {Cut(body, 200)}", ex);
            }
        }

        return body;
    }
}

/// <summary>A generic JSON webhook: POSTs the message and the alarm.</summary>
public sealed class WebhookChannel(string name, ChannelOptions options, HttpClient http) : HttpChannel(name, options, http)
{
    public override ChannelType Type => ChannelType.Webhook;

    public override async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var payload = new
        {
            id = message.Id,
            kind = message.Kind,
            alarmId = message.AlarmId,
            crew = message.Crew,
            recipient = message.Recipient is { } r ? new { id = r.Id, name = r.Name, phone = r.Phone, email = r.Email } : null,
            subject = message.Subject,
            text = message.Text,
            markdown = message.Markdown,
            ackUrl = message.AckUrl,
            alarm = message.Alarm,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, Options.Url) { Content = JsonContent(JsonSerializer.Serialize(payload, Json)) };
        await SendRequestAsync(request, robot: false, cancellationToken);
    }

    internal static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");
}

/// <summary>A WeCom (企业微信) group robot.</summary>
public sealed class WeComChannel(string name, ChannelOptions options, HttpClient http) : HttpChannel(name, options, http)
{
    public override ChannelType Type => ChannelType.WeCom;

    public override async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        // Markdown messages cannot mention by phone number; text messages can (mentioned_mobile_list).
        object payload = string.Equals(Options.Format, "text", StringComparison.OrdinalIgnoreCase)
            ? new { msgtype = "text", text = new { content = Cut(message.Text, Options.MaxLength), mentioned_mobile_list = message.Mentions } }
            : new { msgtype = "markdown", markdown = new { content = Cut(message.Markdown, Options.MaxLength) } };
        using var request = new HttpRequestMessage(HttpMethod.Post, Options.Url) { Content = WebhookChannel.JsonContent(JsonSerializer.Serialize(payload)) };
        await SendRequestAsync(request, robot: true, cancellationToken);
    }
}

/// <summary>A DingTalk (钉钉) group robot; with a secret, the URL carries <c>timestamp</c> and <c>sign</c> (HMAC-SHA256 of "timestamp\nsecret").</summary>
public sealed class DingTalkChannel(string name, ChannelOptions options, HttpClient http, TimeProvider time) : HttpChannel(name, options, http)
{
    public override ChannelType Type => ChannelType.DingTalk;

    /// <summary>The <c>sign</c> of a signed DingTalk robot URL for <paramref name="timestamp"/> (unix milliseconds), not yet URL-encoded.</summary>
    public static string Sign(long timestamp, string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var toSign = $"{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n{secret}";
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(toSign)));
    }

    public override async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var url = Options.Url!.OriginalString;
        if (!string.IsNullOrEmpty(Options.Secret))
        {
            var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?")
                + $"timestamp={timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}&sign={Uri.EscapeDataString(Sign(timestamp, Options.Secret))}";
        }

        // DingTalk shows an @mention only when the number is also in the text.
        var text = message.Mentions.Count == 0 ? message.Markdown : message.Markdown + "\n\n" + string.Join(' ', message.Mentions.Select(m => "@" + m));
        var payload = new
        {
            msgtype = "markdown",
            markdown = new { title = Cut(message.Subject, 64), text = Cut(text, Options.MaxLength) },
            at = new { atMobiles = message.Mentions, isAtAll = false },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url)) { Content = WebhookChannel.JsonContent(JsonSerializer.Serialize(payload)) };
        await SendRequestAsync(request, robot: true, cancellationToken);
    }
}

/// <summary>An SMS gateway reached over HTTP: URL, method and body are templates with <c>{phone}</c>, <c>{text}</c> and <c>{alarm}</c>.</summary>
public sealed class SmsGatewayChannel(string name, ChannelOptions options, HttpClient http) : HttpChannel(name, options, http)
{
    public override ChannelType Type => ChannelType.Sms;

    public override async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Recipient?.Phone is not { } phone)
        {
            throw new NotificationDeliveryException($"{message.Recipient?.Id ?? "the crew group"} has no phone number");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["{phone}"] = phone,
            ["{text}"] = Cut(message.Text, Options.MaxLength),
            ["{alarm}"] = message.AlarmId ?? string.Empty,
        };
        var url = Fill(Options.Url!.OriginalString, values, Uri.EscapeDataString);
        using var request = new HttpRequestMessage(new HttpMethod(Options.Method.ToUpperInvariant()), new Uri(url));
        if (!string.IsNullOrEmpty(Options.BodyTemplate))
        {
            var json = Options.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase);
            Func<string, string> encode = json ? v => JsonEncodedText.Encode(v).Value : Uri.EscapeDataString;
            request.Content = new StringContent(Fill(Options.BodyTemplate, values, encode), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(Options.ContentType) { CharSet = "utf-8" };
        }

        await SendRequestAsync(request, robot: false, cancellationToken);
    }

    private static string Fill(string template, Dictionary<string, string> values, Func<string, string> encode)
    {
        var result = template;
        foreach (var (key, value) in values)
        {
            result = result.Replace(key, encode(value), StringComparison.Ordinal);
        }

        return result;
    }
}
