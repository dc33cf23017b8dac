using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Lifeline.Notifications.Channels;

/// <summary>E-mail over SMTP with MailKit: one connection per message (alarms are rare enough; a dead server fails fast).</summary>
public sealed class EmailChannel : INotificationChannel
{
    private readonly ChannelOptions _options;
    private readonly SecureSocketOptions _security;

    public EmailChannel(string name, ChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options;
        _security = Enum.Parse<SecureSocketOptions>(options.Security, ignoreCase: true);
    }

    public string Name { get; }

    public ChannelType Type => ChannelType.Email;

    public async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Recipient?.Email is not { } to)
        {
            throw new NotificationDeliveryException($"{message.Recipient?.Id ?? "the crew group"} has no e-mail address");
        }

        using var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(_options.From ?? throw new NotificationDeliveryException($"{Name}: no From address")));
        mime.To.Add(new MailboxAddress(message.Recipient.Name, to));
        mime.Subject = message.Subject;
        if (message.AlarmId is not null)
        {
            mime.Headers.Add("X-Lifeline-Alarm", message.AlarmId);
        }

        mime.Headers.Add("X-Lifeline-Notification", message.Id);
        var body = new TextPart(MimeKit.Text.TextFormat.Plain);
        body.SetText(System.Text.Encoding.UTF8, message.Text);
        mime.Body = body;

        using var client = new SmtpClient();
        await client.ConnectAsync(_options.Host ?? throw new NotificationDeliveryException($"{Name}: no SMTP host"), _options.Port, _security, cancellationToken);
        if (!string.IsNullOrEmpty(_options.Username))
        {
            await client.AuthenticateAsync(_options.Username, _options.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
