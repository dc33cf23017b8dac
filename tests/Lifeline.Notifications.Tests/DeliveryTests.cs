using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Lifeline.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Notifications.Channels;
using Lifeline.Rules;
using Lifeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Notifications.Tests;

public sealed class DeliveryTests
{
    private const string Roster = """
        people:
          - {id: a, name: 甲, email: a@example.invalid, notify: [mail, hook]}
        crews:
          - id: ych
            name: 永昌路
            areas: {sites: [yongchang-rd]}
            supervisor: a
            shifts:
              - {name: all day, from: "00:00", to: "00:00", on_call: [a]}
        """;

    [Fact]
    public async Task DeadSmtpServer_DoesNotDelayTheWebhook_AndAFullQueueDropsWithARecord()
    {
        // An SMTP "server" that accepts connections and never answers: every attempt runs into its timeout.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start(100);
        var accepted = new ConcurrentBag<TcpClient>();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await blackHole.AcceptTcpClientAsync());
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        });
        await using var receiver = new HttpReceiver();
        using var http = new HttpClient();
        var options = new NotificationOptions
        {
            RateLimit = new RateLimitOptions { Messages = 100 },
            Delivery = new DeliveryOptions { Retries = 1, RetryDelay = TimeSpan.FromMilliseconds(100), AttemptTimeout = TimeSpan.FromSeconds(2) },
        };
        var channelOptions = new Dictionary<string, ChannelOptions>
        {
            ["mail"] = new() { Type = ChannelType.Email, QueueCapacity = 2, Host = "127.0.0.1", Port = ((IPEndPoint)blackHole.LocalEndpoint).Port, Security = "None", From = "lifeline@example.invalid" },
            ["hook"] = new() { Type = ChannelType.Webhook, Url = receiver.Url("/hook") },
        };
        options.Channels = channelOptions;
        ChannelFactory.Validate(channelOptions).ShouldBeEmpty();
        var channels = ChannelFactory.Create(channelOptions, http, TimeProvider.System);
        var roster = Baoshan.Roster(Roster, channelOptions.ToDictionary(c => c.Key, c => c.Value.Type!.Value));
        using var sut = new NotificationService(roster, Baoshan.Registry, channels, options, null, null, TimeProvider.System, NullLogger<NotificationService>.Instance);
        var records = new ConcurrentQueue<(NotificationRecord Record, DateTimeOffset At)>();
        sut.Journaled += r => records.Enqueue((r, TimeProvider.System.GetUtcNow()));
        using var alarms = new AlarmService([sut], TimeProvider.System);
        await sut.StartAsync(CancellationToken.None);
        try
        {
            var rule = Baoshan.Registry.Rules.Single(r => r.Id == "o2.low.l2");
            var devices = Baoshan.Registry.Devices.Where(d => d.SiteId == "yongchang-rd" && d.TryGetChannel("o2", out _)).Take(10).ToList();
            var started = TimeProvider.System.GetUtcNow();
            foreach (var device in devices)
            {
                device.TryGetChannel("o2", out var o2);
                alarms.Apply(new RuleTransition(RuleTransitionKind.Raised, rule, device, o2!, 16, TimeProvider.System.GetUtcNow()));
            }

            // Every webhook message arrives while the first e-mails are still waiting for the dead server.
            await Poll.Until(() => receiver.Requests.Count == 10, () => $"{receiver.Requests.Count} webhook requests");
            var hookDone = receiver.Requests.Max(r => r.At);
            (hookDone - started).ShouldBeLessThan(TimeSpan.FromSeconds(2), "the webhook waited for the dead SMTP server");
            records.Count(r => r.Record.Channel == "mail" && r.Record.Status is "Sent" or "Failed").ShouldBe(0);

            // The worker and a queue of two take at most three e-mails; the others are refused and recorded as dropped.
            var dropped = records.Count(r => r.Record.Channel == "mail" && r.Record.Status == "Dropped");
            dropped.ShouldBeGreaterThanOrEqualTo(7);
            records.First(r => r.Record.Status == "Dropped").Record.Detail.ShouldBe("the queue of channel 'mail' is full (2): the channel is failing or too slow");
            await Poll.Until(() => records.Count(r => r.Record.Channel == "hook" && r.Record.Status == "Sent") == 10);

            // Each taken e-mail fails after its two attempts (one retry), each ended by the attempt timeout.
            await Poll.Until(() => records.Count(r => r.Record.Channel == "mail" && r.Record.Status == "Failed") == 10 - dropped, seconds: 40);
            var failed = records.Where(r => r.Record.Channel == "mail" && r.Record.Status == "Failed").Select(r => r.Record).ToList();
            failed.ShouldAllBe(r => r.Attempts == 2 && r.Detail == "timed out after 2 s");
            sut.Counters.Dropped.ShouldBe(dropped);
        }
        finally
        {
            await sut.StopAsync(CancellationToken.None);
            blackHole.Stop();
            foreach (var client in accepted)
            {
                client.Dispose();
            }
        }
    }
}
