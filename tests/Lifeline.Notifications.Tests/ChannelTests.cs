using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Lifeline.Contracts.Alarms;
using Lifeline.Notifications.Channels;
using Lifeline.Notifications.Rosters;
using Lifeline.Testing;
using MimeKit;

namespace Lifeline.Notifications.Tests;

public sealed class ChannelTests
{
    private static readonly CrewMember Zhang = new("zhang-wei", "张伟", "13800000101", "zhang.wei@example.invalid", ["sms"], MessageLanguage.Zh);

    private static readonly AlarmDto Alarm = new()
    {
        Seq = 7, Id = "A000007", State = "Unacknowledged", Priority = "Critical", Kind = "ch4_high", RuleId = "ch4.high.l2", SiteId = "yongchang-rd",
        DeviceId = Baoshan.GasZone3, SensorId = Baoshan.GasZone3 + ".ch4", Location = "永昌路 trunk · gas cabin · zone 3", Value = 32.5, Limit = 25,
        Unit = "%LEL", Message = "CH₄ high", RaisedAt = DateTimeOffset.UnixEpoch, ChangedAt = DateTimeOffset.UnixEpoch,
    };

    private static OutboundMessage Message(CrewMember? to, string text = "甲烷 32.5 %LEL \"超限\"\n请立即处置") =>
        new("N000001", "Raised", Alarm.Id, "yongchang-tunnel", to, "【保山生命线·紧急·告警】永昌路", text, "### 告警\n> " + text, new Uri("https://lifeline.example.cn/ack/t"), to is null ? ["13800000101"] : [], Alarm);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Webhook_PostsTheMessageAndTheAlarmAsJson()
    {
        await using var receiver = new HttpReceiver();
        var sut = new WebhookChannel("hook", new ChannelOptions { Type = ChannelType.Webhook, Url = receiver.Url("/hooks/lifeline"), Headers = { ["X-Api-Key"] = "k1" } }, Http);

        await sut.SendAsync(Message(Zhang), CancellationToken.None);

        var request = receiver.Requests.Single();
        request.Method.ShouldBe("POST");
        request.Url.AbsolutePath.ShouldBe("/hooks/lifeline");
        request.ContentType.ShouldBe("application/json; charset=utf-8");
        using var json = JsonDocument.Parse(request.Body);
        json.RootElement.GetProperty("kind").GetString().ShouldBe("Raised");
        json.RootElement.GetProperty("alarmId").GetString().ShouldBe("A000007");
        json.RootElement.GetProperty("recipient").GetProperty("phone").GetString().ShouldBe("13800000101");
        json.RootElement.GetProperty("text").GetString().ShouldBe("甲烷 32.5 %LEL \"超限\"\n请立即处置");
        json.RootElement.GetProperty("alarm").GetProperty("value").GetDouble().ShouldBe(32.5);
        json.RootElement.GetProperty("ackUrl").GetString().ShouldBe("https://lifeline.example.cn/ack/t");
    }

    [Fact]
    public async Task WeCom_SendsMarkdownOrTextWithMentions_AndTreatsErrcodeAsFailure()
    {
        await using var receiver = new HttpReceiver();
        var markdown = new WeComChannel("wecom", new ChannelOptions { Type = ChannelType.WeCom, Url = receiver.Url("/cgi-bin/webhook/send?key=abc") }, Http);
        var text = new WeComChannel("wecom-text", new ChannelOptions { Type = ChannelType.WeCom, Url = receiver.Url("/cgi-bin/webhook/send?key=abc"), Format = "text" }, Http);

        await markdown.SendAsync(Message(null), CancellationToken.None);
        await text.SendAsync(Message(null), CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        requests[0].Url.Query.ShouldBe("?key=abc");
        using (var json = JsonDocument.Parse(requests[0].Body))
        {
            json.RootElement.GetProperty("msgtype").GetString().ShouldBe("markdown");
            json.RootElement.GetProperty("markdown").GetProperty("content").GetString().ShouldBe("### 告警\n> 甲烷 32.5 %LEL \"超限\"\n请立即处置");
        }

        using (var json = JsonDocument.Parse(requests[1].Body))
        {
            json.RootElement.GetProperty("msgtype").GetString().ShouldBe("text");
            json.RootElement.GetProperty("text").GetProperty("content").GetString().ShouldBe("甲烷 32.5 %LEL \"超限\"\n请立即处置");
            json.RootElement.GetProperty("text").GetProperty("mentioned_mobile_list")[0].GetString().ShouldBe("13800000101");
        }

        receiver.Answer = (200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}");
        var ex = await Should.ThrowAsync<NotificationDeliveryException>(() => markdown.SendAsync(Message(null), CancellationToken.None));
        ex.Message.ShouldBe("wecom: robot refused the message: errcode 93000, invalid webhook url");
    }

    [Fact]
    public async Task DingTalk_SignsTheUrlAsTheRobotRequires()
    {
        await using var receiver = new HttpReceiver();
        const string secret = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));
        var sut = new DingTalkChannel("dingtalk", new ChannelOptions { Type = ChannelType.DingTalk, Url = receiver.Url("/robot/send?access_token=tok"), Secret = secret }, Http, time);

        await sut.SendAsync(Message(null), CancellationToken.None);

        var request = receiver.Requests.Single();
        var query = HttpUtility.ParseQueryString(request.Url.Query);
        query["access_token"].ShouldBe("tok");
        query["timestamp"].ShouldBe(time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Recomputed independently: Base64(HMAC-SHA256(key = secret, "timestamp\nsecret")), URL-encoded in the query.
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(query["timestamp"] + "\n" + secret)));
        query["sign"].ShouldBe(expected);
        request.Url.Query.ShouldContain("sign=" + Uri.EscapeDataString(expected));

        using var json = JsonDocument.Parse(request.Body);
        json.RootElement.GetProperty("msgtype").GetString().ShouldBe("markdown");
        json.RootElement.GetProperty("markdown").GetProperty("title").GetString().ShouldBe("【保山生命线·紧急·告警】永昌路");
        json.RootElement.GetProperty("markdown").GetProperty("text").GetString()!.ShouldEndWith("@13800000101");
        json.RootElement.GetProperty("at").GetProperty("atMobiles")[0].GetString().ShouldBe("13800000101");
    }

    [Fact]
    public async Task SmsGateway_FillsUrlAndBodyTemplates()
    {
        await using var receiver = new HttpReceiver();
        var json = new SmsGatewayChannel("sms", new ChannelOptions
        {
            Type = ChannelType.Sms, Url = receiver.Url("/sms/send?sender=lifeline&ref={alarm}"), BodyTemplate = "{\"to\": \"{phone}\", \"content\": \"{text}\"}",
        }, Http);
        var form = new SmsGatewayChannel("sms-form", new ChannelOptions
        {
            Type = ChannelType.Sms, Url = receiver.Url("/sms/form"), ContentType = "application/x-www-form-urlencoded", BodyTemplate = "mobile={phone}&msg={text}",
        }, Http);
        var get = new SmsGatewayChannel("sms-get", new ChannelOptions { Type = ChannelType.Sms, Url = receiver.Url("/sms/get?to={phone}&text={text}"), Method = "GET" }, Http);

        await json.SendAsync(Message(Zhang), CancellationToken.None);
        await form.SendAsync(Message(Zhang), CancellationToken.None);
        await get.SendAsync(Message(Zhang), CancellationToken.None);

        var requests = receiver.Requests.ToArray();
        HttpUtility.ParseQueryString(requests[0].Url.Query)["ref"].ShouldBe("A000007");
        using (var body = JsonDocument.Parse(requests[0].Body))
        {
            body.RootElement.GetProperty("to").GetString().ShouldBe("13800000101");
            body.RootElement.GetProperty("content").GetString().ShouldBe("甲烷 32.5 %LEL \"超限\"\n请立即处置");
        }

        requests[1].ContentType.ShouldBe("application/x-www-form-urlencoded; charset=utf-8");
        var fields = HttpUtility.ParseQueryString(requests[1].Body);
        fields["mobile"].ShouldBe("13800000101");
        fields["msg"].ShouldBe("甲烷 32.5 %LEL \"超限\"\n请立即处置");

        requests[2].Method.ShouldBe("GET");
        HttpUtility.ParseQueryString(requests[2].Url.Query)["text"].ShouldBe("甲烷 32.5 %LEL \"超限\"\n请立即处置");

        receiver.Answer = (503, "busy");
        (await Should.ThrowAsync<NotificationDeliveryException>(() => json.SendAsync(Message(Zhang), CancellationToken.None))).Message.ShouldBe("sms: HTTP 503 Service Unavailable: busy");
    }

    [Fact]
    public async Task Email_IsDeliveredToARealSmtpServer()
    {
        await using var smtp = await SmtpSink.StartAsync();
        var sut = new EmailChannel("email", new ChannelOptions { Type = ChannelType.Email, Host = SmtpSink.Host, Port = smtp.Port, Security = "None", From = "Lifeline 保山 <lifeline@example.invalid>" });

        await sut.SendAsync(Message(Zhang), CancellationToken.None);

        await Poll.Until(() => smtp.Messages().Count == 1);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(smtp.Messages()[0]));
        using var mime = await MimeMessage.LoadAsync(stream);
        mime.Subject.ShouldBe("【保山生命线·紧急·告警】永昌路");
        mime.To.Mailboxes.Single().Address.ShouldBe("zhang.wei@example.invalid");
        mime.To.Mailboxes.Single().Name.ShouldBe("张伟");
        mime.From.Mailboxes.Single().Address.ShouldBe("lifeline@example.invalid");
        mime.Headers["X-Lifeline-Alarm"].ShouldBe("A000007");
        mime.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd().ShouldBe("甲烷 32.5 %LEL \"超限\"\n请立即处置");
    }

    [Fact]
    public async Task Email_ToAClosedPort_FailsWithTheReason()
    {
        var sut = new EmailChannel("email", new ChannelOptions { Type = ChannelType.Email, Host = SmtpSink.Host, Port = FreePort.Next(), Security = "None", From = "lifeline@example.invalid" });
        var ex = await Should.ThrowAsync<System.Net.Sockets.SocketException>(() => sut.SendAsync(Message(Zhang), CancellationToken.None));
        ex.SocketErrorCode.ShouldBe(System.Net.Sockets.SocketError.ConnectionRefused);
    }

    [Fact]
    public void Validate_NamesEveryBadSetting()
    {
        var errors = ChannelFactory.Validate(new Dictionary<string, ChannelOptions>
        {
            ["mail"] = new() { Type = ChannelType.Email, Port = 0, From = "not an address", Security = "Maybe" },
            ["robot"] = new() { Type = ChannelType.WeCom, Url = new Uri("ftp://x/"), Format = "html" },
            ["sms"] = new() { Type = ChannelType.Sms, Url = new Uri("http://gw/"), Method = "PATCH" },
            ["none"] = new(),
        });
        errors.ShouldBe(
        [
            "Notifications:Channels:mail:Host: required for an e-mail channel (the SMTP server)",
            "Notifications:Channels:mail:Port: must be 1–65535 (got 0)",
            "Notifications:Channels:mail:From: required, an e-mail address such as 'Lifeline <lifeline@example.cn>' (got 'not an address')",
            "Notifications:Channels:mail:Security: must be None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (got 'Maybe')",
            "Notifications:Channels:robot:Url: required, an absolute http(s) address (got 'ftp://x/')",
            "Notifications:Channels:robot:Format: must be markdown or text (got 'html')",
            "Notifications:Channels:sms:Method: must be POST, GET or PUT (got 'PATCH')",
            "Notifications:Channels:sms:BodyTemplate: required for PATCH (e.g. {\"to\":\"{phone}\",\"text\":\"{text}\"})",
            "Notifications:Channels:none:Type: required (Email, Webhook, WeCom, DingTalk or Sms)",
        ]);
    }

    [Fact]
    public void ValidateOptions_NamesEveryBadSetting()
    {
        var options = new NotificationOptions
        {
            RateLimit = new RateLimitOptions { Messages = 0, Window = TimeSpan.Zero },
            Delivery = new DeliveryOptions { QueueCapacity = 0, Retries = 30, RetryDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromSeconds(1) },
            AckLinks = new AckLinkOptions { Lifetime = TimeSpan.FromSeconds(30), Secret = "short" },
        };
        Microsoft.Extensions.Hosting.NotificationsExtensions.Validate(options).ShouldBe(
        [
            "Notifications:RateLimit:Messages: must be at least 1 (got 0)",
            "Notifications:RateLimit:Window: must be positive (got 00:00:00)",
            "Notifications:Delivery:QueueCapacity: must be at least 1 (got 0)",
            "Notifications:Delivery:Retries: must be 0–20 (got 30)",
            "Notifications:Delivery:RetryDelay: must be positive and at most MaxRetryDelay (got 00:00:05, 00:00:01)",
            "Notifications:AckLinks:Lifetime: must be at least 1 minute (got 00:00:30)",
            "Notifications:AckLinks:Secret: must be at least 32 characters (got 5)",
        ]);
        Microsoft.Extensions.Hosting.NotificationsExtensions.Validate(new NotificationOptions()).ShouldBeEmpty();
    }
}
