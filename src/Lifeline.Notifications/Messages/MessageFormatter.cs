using System.Globalization;
using System.Text;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Notifications.Rosters;

namespace Lifeline.Notifications.Messages;

/// <summary>A rendered message: a subject line, plain text and Markdown.</summary>
public sealed record RenderedMessage(string Subject, string Text, string Markdown);

/// <summary>
/// Writes what a crew needs to act: where to go (tunnel, cabin, fire zone, chainage and the nearer tunnel end; or the
/// plant or gas station), what was measured (value, unit, limit), since when, and the acknowledgement link. Chinese, and
/// English for people who ask for it. The registry has no entrances or hatches, so the nearest way in is given as the
/// nearer end of the tunnel, with its chainage and distance from the middle of the zone.
/// </summary>
public sealed class MessageFormatter(AssetRegistry registry, TimeSpan utcOffset)
{
    private static readonly Dictionary<string, string> QuantitiesZh = new(StringComparer.Ordinal)
    {
        ["o2"] = "氧气",
        ["ch4"] = "甲烷",
        ["h2s"] = "硫化氢",
        ["temp"] = "温度",
        ["rh"] = "湿度",
        ["level"] = "集水坑水位",
        ["intrusion"] = "入侵（井盖/出入口）",
        ["smoke"] = "烟感/火灾",
    };

    /// <summary>Renders one message about <paramref name="alarm"/>.</summary>
    /// <param name="kind">Raised, Reraised, Reminder, Escalated, Acknowledged or Cleared.</param>
    /// <param name="note">An extra line (who was called before, who acknowledged).</param>
    public RenderedMessage Render(AlarmDto alarm, string kind, MessageLanguage language, Uri? ackUrl, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        var zh = language is MessageLanguage.Zh or MessageLanguage.ZhEn ? Lines(alarm, kind, true, ackUrl, note, now) : null;
        var en = language is MessageLanguage.En or MessageLanguage.ZhEn ? Lines(alarm, kind, false, ackUrl, note, now) : null;
        var subject = zh?[0] ?? en![0];
        if (zh is not null && en is not null)
        {
            subject += " / " + en[0];
        }

        var text = new StringBuilder();
        var markdown = new StringBuilder();
        foreach (var lines in new[] { zh, en })
        {
            if (lines is null)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.AppendLine().AppendLine("----");
                markdown.AppendLine().AppendLine("---");
            }

            text.AppendJoin('\n', lines).AppendLine();
            markdown.Append("### ").AppendLine(lines[0]);
            foreach (var line in lines.Skip(1))
            {
                markdown.Append("> ").AppendLine(line.Contains("http", StringComparison.Ordinal) ? MarkdownLink(line) : line).AppendLine();
            }
        }

        return new RenderedMessage(subject, text.ToString().TrimEnd(), markdown.ToString().TrimEnd());
    }

    /// <summary>A digest of alarms not sent one by one because of the rate limit.</summary>
    public RenderedMessage RenderDigest(IReadOnlyList<AlarmDto> alarms, int maxLines, MessageLanguage language)
    {
        ArgumentNullException.ThrowIfNull(alarms);
        var english = language == MessageLanguage.En;
        var subject = english ? $"[Lifeline] {alarms.Count} more alarm messages held back" : $"【保山生命线】另有 {alarms.Count} 条告警未单独发送";
        var lines = new List<string> { subject };
        foreach (var alarm in alarms.Take(maxLines))
        {
            lines.Add($"{alarm.Id} {Priority(alarm.Priority, !english)} {Place(alarm, !english).Where} — {Measured(alarm, !english)}");
        }

        if (alarms.Count > maxLines)
        {
            lines.Add(english ? $"… and {alarms.Count - maxLines} more (see the console)" : $"……另有 {alarms.Count - maxLines} 条，请查看监控中心");
        }

        return new RenderedMessage(subject, string.Join('\n', lines), "### " + subject + "\n" + string.Join('\n', lines.Skip(1).Select(l => "- " + l)));
    }

    private static string MarkdownLink(string line)
    {
        var at = line.IndexOf("http", StringComparison.Ordinal);
        var end = line.IndexOf(' ', at);
        var url = end < 0 ? line[at..] : line[at..end];
        return string.Concat(line.AsSpan(0, at), $"[{url}]({url})", end < 0 ? string.Empty : line[end..]);
    }

    private List<string> Lines(AlarmDto alarm, string kind, bool zh, Uri? ackUrl, string? note, DateTimeOffset now)
    {
        var (where, detail, access) = Place(alarm, zh);
        var what = Quantity(alarm, zh);
        var head = zh
            ? $"【保山生命线·{Priority(alarm.Priority, true)}·{KindText(kind, true)}】{where} {what}"
            : $"[Lifeline {alarm.Priority} · {KindText(kind, false)}] {where}: {what}";
        var lines = new List<string> { head };
        lines.Add((zh ? "位置：" : "Where: ") + detail);
        if (access is not null)
        {
            lines.Add((zh ? "进入：" : "Access: ") + access);
        }

        lines.Add((zh ? "测量：" : "Measured: ") + Measured(alarm, zh));
        var local = alarm.RaisedAt.ToOffset(utcOffset);
        var lasted = now - alarm.RaisedAt;
        var offset = $"UTC{(utcOffset < TimeSpan.Zero ? "-" : "+")}{utcOffset:hh\\:mm}";
        lines.Add(zh
            ? $"开始：{local:yyyy-MM-dd HH:mm:ss}（{offset}），已持续 {Duration(lasted, true)}"
            : $"Since: {local:yyyy-MM-dd HH:mm:ss} ({offset}), {Duration(lasted, false)} ago");
        if (!string.IsNullOrEmpty(alarm.Message))
        {
            lines.Add((zh ? "说明：" : "Note: ") + alarm.Message);
        }

        if (note is not null)
        {
            lines.Add(note);
        }

        lines.Add(zh ? $"告警编号：{alarm.Id}（{alarm.Kind}，传感器 {alarm.SensorId}）" : $"Alarm: {alarm.Id} ({alarm.Kind}, sensor {alarm.SensorId})");
        if (ackUrl is not null)
        {
            lines.Add(zh ? $"确认接警：{ackUrl} （限本人使用一次，有效期内有效）" : $"Acknowledge: {ackUrl} (single use, expires)");
        }

        return lines;
    }

    private (string Where, string Detail, string? Access) Place(AlarmDto alarm, bool zh)
    {
        if (alarm.ZoneId is { } zoneId && registry.TryGetZone(zoneId, out var zone) && alarm.TunnelId is { } tunnelId && registry.TryGetTunnel(tunnelId, out var tunnel)
            && alarm.CabinId is { } cabinId && registry.TryGetCabin(cabinId, out var cabin))
        {
            var tunnelName = zh ? tunnel.NameZh : tunnel.Name;
            var cabinName = CabinName(cabin.Type, zh);
            var chainage = $"{Chainage(zone.StartM)}–{Chainage(zone.EndM)}";
            var middle = (zone.StartM + zone.EndM) / 2;
            var toEnd = tunnel.LengthM - middle;
            var nearStart = middle <= toEnd;
            var access = zh
                ? $"最近的管廊端头为{(nearStart ? "起点" : "终点")} {Chainage(nearStart ? 0 : tunnel.LengthM)}，距本分区中部约 {Math.Round(nearStart ? middle : toEnd):0} m（登记册未录入出入口/逃生口）"
                : $"nearer tunnel end: {(nearStart ? "start" : "end")} {Chainage(nearStart ? 0 : tunnel.LengthM)}, about {Math.Round(nearStart ? middle : toEnd):0} m from the middle of the zone (the registry lists no entrances or hatches)";
            var detail = zh
                ? $"{tunnelName} · {cabinName} · 第 {zone.Index} 防火分区（{chainage}，分区 {zone.Id}）"
                : $"{tunnelName} · {cabinName} · fire zone {zone.Index} ({chainage}, zone {zone.Id})";
            return (zh ? $"{tunnelName}{cabinName}{zone.Index}号分区" : $"{tunnelName} {cabinName} zone {zone.Index}", detail, access);
        }

        if (registry.TryGetDevice(alarm.DeviceId, out var device) && device.Location.StationId is { } stationId && registry.TryGetSite(alarm.SiteId, out var site))
        {
            var station = site.Stations.FirstOrDefault(s => s.Id == stationId);
            var siteName = zh ? site.NameZh : site.Name;
            var stationName = station is null ? stationId : zh ? station.NameZh : station.Name;
            return ($"{siteName} {stationName}", $"{siteName} · {stationName}（{alarm.DeviceId}）", null);
        }

        return (alarm.Location, alarm.Location, null);
    }

    private string Quantity(AlarmDto alarm, bool zh)
    {
        var channel = SensorIds.TrySplit(alarm.SensorId, out var deviceId, out var name) && registry.TryGetDevice(deviceId, out var device) && device.TryGetChannel(name, out var c) ? c : null;
        if (channel is null)
        {
            return alarm.Kind;
        }

        return zh && QuantitiesZh.TryGetValue(channel.Type.Id, out var zhName) ? zhName : channel.Type.Name;
    }

    private string Measured(AlarmDto alarm, bool zh)
    {
        var unit = string.IsNullOrEmpty(alarm.Unit) ? string.Empty : " " + alarm.Unit;
        var value = alarm.Value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) + unit : zh ? "（无数值）" : "(no value)";
        var limit = alarm.Limit is { } l ? l.ToString("0.###", CultureInfo.InvariantCulture) + unit : null;
        var quantity = Quantity(alarm, zh);
        return limit is null
            ? $"{quantity} {value}"
            : zh ? $"{quantity} {value}（限值 {limit}）" : $"{quantity} {value} (limit {limit})";
    }

    private static string Chainage(double metres)
    {
        var km = (long)Math.Floor(metres / 1000);
        var rest = metres - (km * 1000);
        return $"K{km}+{rest.ToString("000", CultureInfo.InvariantCulture)}";
    }

    private static string Duration(TimeSpan t, bool zh)
    {
        if (t < TimeSpan.Zero)
        {
            t = TimeSpan.Zero;
        }

        return t.TotalMinutes < 1
            ? (zh ? $"{(int)t.TotalSeconds} 秒" : $"{(int)t.TotalSeconds} s")
            : t.TotalHours < 1
                ? (zh ? $"{(int)t.TotalMinutes} 分钟" : $"{(int)t.TotalMinutes} min")
                : (zh ? $"{(int)t.TotalHours} 小时 {t.Minutes} 分钟" : $"{(int)t.TotalHours} h {t.Minutes} min");
    }

    private static string CabinName(CabinType type, bool zh) => (type, zh) switch
    {
        (CabinType.Integrated, true) => "综合舱",
        (CabinType.Power, true) => "电力舱",
        (CabinType.Gas, true) => "天然气舱",
        (CabinType.Sewage, true) => "污水舱",
        (CabinType.Heat, true) => "热力舱",
        _ => type.ToString().ToLowerInvariant() + " cabin",
    };

    private static string Priority(string priority, bool zh) => !zh ? priority : priority switch
    {
        "Critical" => "紧急",
        "High" => "高",
        "Medium" => "中",
        "Low" => "低",
        _ => priority,
    };

    private static string KindText(string kind, bool zh) => (kind, zh) switch
    {
        ("Raised", true) => "告警",
        ("Reraised", true) => "再次告警",
        ("Reminder", true) => "未确认提醒",
        ("Escalated", true) => "升级",
        ("Acknowledged", true) => "已确认",
        ("Cleared", true) => "已恢复",
        ("Reminder", false) => "reminder, not acknowledged",
        ("Escalated", false) => "escalated",
        _ => kind,
    };
}
