namespace Lifeline.Notifications.Channels;

/// <summary>How a configured channel delivers.</summary>
public enum ChannelType
{
    /// <summary>E-mail over SMTP (MailKit) to a person's <c>email</c>.</summary>
    Email,

    /// <summary>A generic JSON webhook (HTTP POST).</summary>
    Webhook,

    /// <summary>A WeCom (企业微信) group robot: <c>msgtype</c> markdown or text.</summary>
    WeCom,

    /// <summary>A DingTalk (钉钉) group robot: <c>msgtype</c> markdown, optionally with a signed URL.</summary>
    DingTalk,

    /// <summary>An SMS gateway reached over HTTP with a configurable request, to a person's <c>phone</c>.</summary>
    Sms,
}
