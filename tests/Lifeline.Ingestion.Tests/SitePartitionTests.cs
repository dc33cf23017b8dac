using Lifeline.Ingestion.Mqtt;

namespace Lifeline.Ingestion.Tests;

/// <summary><c>Mqtt:Sites</c>: the partition an instance ingests and the topic filters it subscribes to.</summary>
public sealed class SitePartitionTests
{
    [Fact]
    public void Partition_NotSet_IsEverySiteWithTheWildcardFilters()
    {
        var sut = new MqttOptions();

        sut.Partition.ShouldBeNull();
        MqttIngestionService.SubscriptionFilters(sut.Partition).ShouldBe(["lifeline/+/+/telemetry", "lifeline/+/+/status"]);
    }

    [Fact]
    public void Partition_CommaSeparatedSites_SubscribesToEachSitesTopicsOnce()
    {
        var sut = new MqttOptions { Sites = " wwtp2, yongchang-rd ,wwtp2,," };

        sut.SiteIds.ShouldBe(["wwtp2", "yongchang-rd"]);
        MqttIngestionService.SubscriptionFilters(sut.Partition).ShouldBe([
            "lifeline/wwtp2/+/telemetry", "lifeline/wwtp2/+/status",
            "lifeline/yongchang-rd/+/telemetry", "lifeline/yongchang-rd/+/status",
        ]);
    }

    [Fact]
    public void Partition_None_SubscribesToNothing()
    {
        var sut = new MqttOptions { Sites = "None" };

        sut.IngestsNoSite.ShouldBeTrue();
        sut.Partition.ShouldNotBeNull().ShouldBeEmpty();
        MqttIngestionService.SubscriptionFilters(sut.Partition).ShouldBeEmpty();
    }
}
