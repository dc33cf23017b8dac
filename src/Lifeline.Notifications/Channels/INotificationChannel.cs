namespace Lifeline.Notifications.Channels;

/// <summary>Delivers a message over one configured channel. Throws on failure (the delivery queue retries).</summary>
public interface INotificationChannel
{
    string Name { get; }

    ChannelType Type { get; }

    Task SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>A delivery the far end refused (a robot's <c>errcode</c>, a gateway's status); retried like a network error.</summary>
public sealed class NotificationDeliveryException : Exception
{
    public NotificationDeliveryException()
    {
    }

    public NotificationDeliveryException(string message)
        : base(message)
    {
    }

    public NotificationDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
