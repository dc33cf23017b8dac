using MailKit.Security;
using MimeKit;

namespace Lifeline.Notifications.Channels;

/// <summary>Builds the configured channels, checking each setting first (every problem as <c>Notifications:Channels:{name}:{key}: reason</c>).</summary>
public static class ChannelFactory
{
    /// <summary>Every problem with the configured channels; empty when they are usable.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, ChannelOptions> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var errors = new List<string>();
        foreach (var (name, options) in channels)
        {
            var at = $"Notifications:Channels:{name}";
            switch (options.Type)
            {
                case null:
                    errors.Add($"{at}:Type: required (Email, Webhook, WeCom, DingTalk or Sms)");
                    continue;
                case ChannelType.Email:
                    if (string.IsNullOrWhiteSpace(options.Host))
                    {
                        errors.Add($"{at}:Host: required for an e-mail channel (the SMTP server)");
                    }

                    if (options.Port is < 1 or > 65535)
                    {
                        errors.Add($"{at}:Port: must be 1–65535 (got {options.Port})");
                    }

                    if (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out _))
                    {
                        errors.Add($"{at}:From: required, an e-mail address such as 'Lifeline <lifeline@example.cn>' (got '{options.From}')");
                    }

                    if (!Enum.TryParse<SecureSocketOptions>(options.Security, ignoreCase: true, out _))
                    {
                        errors.Add($"{at}:Security: must be None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (got '{options.Security}')");
                    }

                    break;
                default:
                    if (options.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    {
                        errors.Add($"{at}:Url: required, an absolute http(s) address (got '{options.Url}')");
                    }

                    if (options.Type == ChannelType.WeCom && options.Format is not ("markdown" or "text"))
                    {
                        errors.Add($"{at}:Format: must be markdown or text (got '{options.Format}')");
                    }

                    if (options.Type == ChannelType.Sms && options.Method.ToUpperInvariant() is not ("POST" or "GET" or "PUT"))
                    {
                        errors.Add($"{at}:Method: must be POST, GET or PUT (got '{options.Method}')");
                    }

                    if (options.Type == ChannelType.Sms && !string.Equals(options.Method, "GET", StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(options.BodyTemplate))
                    {
                        errors.Add($"{at}:BodyTemplate: required for {options.Method} (e.g. {{\"to\":\"{{phone}}\",\"text\":\"{{text}}\"}})");
                    }

                    break;
            }

            if (options.QueueCapacity is < 1)
            {
                errors.Add($"{at}:QueueCapacity: must be at least 1 (got {options.QueueCapacity})");
            }

            if (options.MaxLength < 70)
            {
                errors.Add($"{at}:MaxLength: must be at least 70 (got {options.MaxLength})");
            }
        }

        return errors;
    }

    /// <summary>Builds the channels (call <see cref="Validate"/> first).</summary>
    public static Dictionary<string, INotificationChannel> Create(IReadOnlyDictionary<string, ChannelOptions> channels, HttpClient http, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(channels);
        var result = new Dictionary<string, INotificationChannel>(StringComparer.Ordinal);
        foreach (var (name, options) in channels)
        {
            result[name] = options.Type switch
            {
                ChannelType.Email => new EmailChannel(name, options),
                ChannelType.Webhook => new WebhookChannel(name, options, http),
                ChannelType.WeCom => new WeComChannel(name, options, http),
                ChannelType.DingTalk => new DingTalkChannel(name, options, http, time),
                ChannelType.Sms => new SmsGatewayChannel(name, options, http),
                _ => throw new ArgumentException($"channel '{name}' has no type", nameof(channels)),
            };
        }

        return result;
    }
}
