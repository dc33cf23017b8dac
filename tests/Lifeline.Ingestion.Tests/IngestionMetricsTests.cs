using Lifeline.Contracts.Mqtt;
using Lifeline.Ingestion.Mqtt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

using Lifeline.Testing;

namespace Lifeline.Ingestion.Tests;

public sealed class IngestionMetricsTests
{
    private const string Topic = "lifeline/test-rd/test-rd-trunk-gas-z001-ctl/telemetry";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger<IngestionMetrics> _logger = new();
    private readonly IngestionMetrics _sut;

    public IngestionMetricsTests()
    {
        // Default interval: 10 s.
        _sut = new IngestionMetrics(_logger, _time, Microsoft.Extensions.Options.Options.Create(new IngestionOptions()));
    }

    [Fact]
    public void Reject_FirstReject_LogsOneWarningNamingTopicReasonAndDetail()
    {
        // Act
        _sut.Reject(PayloadError.UnknownChannel, Topic, "h2s: no such channel");

        // Assert
        var entry = _logger.Entries.ShouldHaveSingleItem();
        entry.Level.ShouldBe(LogLevel.Warning);
        entry.Message.ShouldContain(Topic);
        entry.Message.ShouldContain(nameof(PayloadError.UnknownChannel));
        entry.Message.ShouldContain("h2s: no such channel");
        entry.Message.ShouldContain("0 more rejects");
        _sut.RejectsOf(PayloadError.UnknownChannel).ShouldBe(1);
    }

    [Fact]
    public void Reject_HundredOfOneReasonWithinInterval_LogsOneLineAndCountsAll()
    {
        // Act: 100 rejects spread over 9.9 s.
        for (var i = 0; i < 100; i++)
        {
            _sut.Reject(PayloadError.MalformedJson, Topic, "line 1, byte 3");
            _time.Advance(TimeSpan.FromMilliseconds(99));
        }

        // Assert
        _logger.Entries.Count.ShouldBe(1);
        _sut.RejectsOf(PayloadError.MalformedJson).ShouldBe(100);
        _sut.TotalRejects.ShouldBe(100);
    }

    [Fact]
    public void Reject_AfterIntervalPassed_LogsAgainWithSuppressedCount()
    {
        // Arrange
        for (var i = 0; i < 100; i++)
        {
            _sut.Reject(PayloadError.MalformedJson, Topic, "first burst");
        }

        _time.Advance(TimeSpan.FromSeconds(10.001));

        // Act
        _sut.Reject(PayloadError.MalformedJson, "lifeline/test-rd/other/telemetry", "second burst");

        // Assert
        _logger.Entries.Count.ShouldBe(2);
        var second = _logger.Entries[1].Message;
        second.ShouldContain("lifeline/test-rd/other/telemetry");
        second.ShouldContain("second burst");
        second.ShouldContain("99 more rejects");
        _sut.RejectsOf(PayloadError.MalformedJson).ShouldBe(101);
    }

    [Fact]
    public void Reject_JustBeforeIntervalEnds_IsSuppressed()
    {
        // Arrange
        _sut.Reject(PayloadError.BadSeq, Topic, "a");
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));

        // Act
        _sut.Reject(PayloadError.BadSeq, Topic, "b");

        // Assert
        _logger.Entries.Count.ShouldBe(1);
    }

    [Fact]
    public void Reject_SuppressedCount_ResetsAfterEachReport()
    {
        // Arrange: 1 logged + 4 suppressed, then 1 logged (reports 4) + 2 suppressed, then 1 logged.
        for (var i = 0; i < 5; i++)
        {
            _sut.Reject(PayloadError.BadTopic, Topic, "x");
        }

        _time.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 3; i++)
        {
            _sut.Reject(PayloadError.BadTopic, Topic, "x");
        }

        _time.Advance(TimeSpan.FromSeconds(11));

        // Act
        _sut.Reject(PayloadError.BadTopic, Topic, "x");

        // Assert
        var messages = _logger.Entries.Select(e => e.Message).ToList();
        messages.Count.ShouldBe(3);
        messages[0].ShouldContain("; 0 more rejects");
        messages[1].ShouldContain("; 4 more rejects");
        messages[2].ShouldContain("; 2 more rejects");
        _sut.RejectsOf(PayloadError.BadTopic).ShouldBe(9);
    }

    [Fact]
    public void Reject_DifferentReasons_AreRateLimitedIndependently()
    {
        // Act
        _sut.Reject(PayloadError.UnknownDevice, Topic, "a");
        _sut.Reject(PayloadError.UnknownDevice, Topic, "b");
        _sut.Reject(PayloadError.OutOfPhysicalRange, Topic, "c");
        _sut.Reject(PayloadError.OutOfPhysicalRange, Topic, "d");
        _sut.Reject(PayloadError.TimestampTooOld, Topic, "e");

        // Assert
        _logger.Entries.Count.ShouldBe(3);
        _logger.Entries[0].Message.ShouldContain(nameof(PayloadError.UnknownDevice));
        _logger.Entries[1].Message.ShouldContain(nameof(PayloadError.OutOfPhysicalRange));
        _logger.Entries[2].Message.ShouldContain(nameof(PayloadError.TimestampTooOld));
        _sut.RejectsOf(PayloadError.UnknownDevice).ShouldBe(2);
        _sut.RejectsOf(PayloadError.OutOfPhysicalRange).ShouldBe(2);
        _sut.RejectsOf(PayloadError.TimestampTooOld).ShouldBe(1);
        _sut.TotalRejects.ShouldBe(5);
        _sut.RejectsByReason().ShouldBe(
            new Dictionary<string, long> { ["UnknownDevice"] = 2, ["OutOfPhysicalRange"] = 2, ["TimestampTooOld"] = 1 },
            ignoreOrder: true);
    }

    [Fact]
    public void RejectsByReason_NothingRejected_IsEmpty()
    {
        // Act / Assert
        _sut.RejectsByReason().ShouldBeEmpty();
        _sut.TotalRejects.ShouldBe(0);
        _sut.Messages.ShouldBe(0);
        _sut.Readings.ShouldBe(0);
    }
}
