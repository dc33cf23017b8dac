using Lifeline.Assets;
using Lifeline.Notifications.Channels;
using Lifeline.Notifications.Rosters;
using Lifeline.Testing;

namespace Lifeline.Notifications.Tests;

public sealed class RosterLoaderTests
{
    private static readonly Dictionary<string, ChannelType> SeedChannels = new(StringComparer.Ordinal)
    {
        ["sms"] = ChannelType.Sms, ["email"] = ChannelType.Email, ["wecom"] = ChannelType.WeCom, ["dingtalk"] = ChannelType.DingTalk,
    };

    [Fact]
    public void Load_BaoshanSeeds_CoversEveryPlaceAndHour()
    {
        var roster = RosterLoader.Load(Path.Combine(RepositoryPaths.Seeds(), RosterLoader.FileName), Baoshan.Registry, SeedChannels);

        roster.UtcOffset.ShouldBe(TimeSpan.FromHours(8));
        roster.Crews.Select(c => c.Id).ShouldBe(["yongchang-tunnel", "yongchang-trunk-gas", "city-tunnels", "sewage-plants", "gas-network", "duty-officer"]);
        roster.Crews.Single(c => c.Fallback).Id.ShouldBe("duty-officer");
        roster.Crews.Single(c => c.Id == "gas-network").Escalation.ShouldBe(new EscalationPolicy(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2), 3));

        // Every hour of the day has someone on call in every crew, and every site is covered by some crew.
        foreach (var crew in roster.Crews)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                crew.ShiftAt(new TimeOnly(hour, 30)).ShouldNotBeNull($"{crew.Id} at {hour}:30");
            }
        }

        foreach (var site in Baoshan.Registry.Sites)
        {
            roster.Crews.Any(c => c.Area.Sites.Contains(site.Id)).ShouldBeTrue(site.Id);
        }
    }

    [Fact]
    public void Load_BrokenRoster_ReportsEveryErrorWithPathAndLine()
    {
        const string yaml = """
            utc_offset: "+8"
            people:
              - {id: a, name: 甲, phone: "13800000001", notify: [sms]}
              - {id: b, name: 乙, notify: [email, fax]}
              - {id: a, name: 重复, notify: []}
            crews:
              - id: c1
                name: 一班
                areas: {sites: [yongchang-rdd], tunnels: [baoxiu-rd-trunk]}
                priorities: [urgent]
                supervisor: boss
                shifts:
                  - {name: day, from: "08:00", to: "20:00", on_call: [a, b, ghost]}
                  - {name: late, from: "19:00", to: "22:00", on_call: [a]}
              - id: c2
                name: 二班
                groups: [sms]
                supervisor: a
                shifts:
                  - {name: day, from: "08:00", to: "20:00", on_call: [a]}
            """;
        var ex = Should.Throw<AssetRegistryException>(() => Baoshan.Roster(yaml, new Dictionary<string, ChannelType> { ["sms"] = ChannelType.Sms, ["email"] = ChannelType.Email }));
        var errors = ex.Errors.Select(e => e[(e.IndexOf(RosterLoader.FileName, StringComparison.Ordinal) + RosterLoader.FileName.Length + 2)..]).ToList();

        errors.ShouldBe(
        [
            "utc_offset: expected an offset such as +08:00, got '+8' (line 1)",
            "people[1].notify[0]: channel 'email' sends e-mail, but this person has no 'email' (line 4)",
            "people[1].notify[1]: unknown channel 'fax' (Notifications:Channels:fax); configured: email, sms (line 4)",
            "people[2].id: duplicate person id 'a' (first at line 3) (line 5)",
            "crews[0].areas.sites[0]: unknown site 'yongchang-rdd' (did you mean 'yongchang-rd'?) (line 9)",
            "crews[0].priorities[0]: unknown priority 'urgent'; allowed: critical, high, medium, low (line 10)",
            "crews[0].supervisor: unknown person 'boss' (not in 'people', or listed there with an error) (line 11)",
            "crews[0].shifts[0].on_call[2]: unknown person 'ghost' (not in 'people', or listed there with an error) (line 13)",
            "crews[0].shifts[1].from: overlaps shift 'day' at 19:00 (line 14)",
            "crews[1]: a crew needs at least one site, tunnel or station in 'areas' (or 'fallback: true') (line 15)",
            "crews[1].groups[0]: channel 'sms' is a Sms channel, which reaches people, not a group (use a webhook, wecom or dingtalk channel) (line 17)",
            "crews[1].shifts: nobody is on call at 00:00: the shifts must cover the whole day (line 20)",
        ]);
        ex.Errors[0].ShouldStartWith(Path.GetTempPath().TrimEnd('/'));
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var ex = Should.Throw<AssetRegistryException>(() => RosterLoader.Load("/nonexistent/rosters.yaml", Baoshan.Registry, null));
        ex.Errors.ShouldBe(["/nonexistent/rosters.yaml: file not found"]);
    }
}
