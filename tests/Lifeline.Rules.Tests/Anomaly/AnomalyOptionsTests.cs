using Lifeline.Domain.Alarms;
using Lifeline.Rules.Anomaly;
using Lifeline.Testing;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class AnomalyOptionsTests
{
    [Fact]
    public void Constructor_HoldsTheBuiltInDefaults()
    {
        // Act
        var sut = new AnomalyOptions();

        // Assert
        sut.Defaults.Spike.Window.ShouldBe(15);
        sut.Defaults.Spike.Threshold.ShouldBe(6);
        sut.Defaults.Flatline.Duration.ShouldBe(TimeSpan.FromHours(1));
        sut.Defaults.Drift.Lambda.ShouldBe(0.2);
        sut.Defaults.Drift.ControlLimitSigmas.ShouldBe(3);
        sut.DeviceOffline.IntervalFactor.ShouldBe(3);
        sut.SeqGap.ClearSamples.ShouldBe(10);
        sut.CommandMismatch.Timeout.ShouldBe(TimeSpan.FromSeconds(30));
        sut.CommandMismatch.Pairs.ShouldBeEmpty();
        sut.SensorTypes.Keys.ShouldBe(["ch4", "h2s", "lel"], ignoreOrder: true);
        sut.SensorTypes.Values.ShouldAllBe(s => s.Flatline.NormallyZero == true && s.Spike.Window == null);
        sut.Alarms.Keys.ShouldBe(AnomalyKinds.All, ignoreOrder: true);
        sut.Alarms[AnomalyKinds.CommandMismatch].Priority.ShouldBe(AlarmPriority.High);
    }

    [Fact]
    public void Resolve_SensorTypeOverride_WinsAndUnsetPropertiesInheritTheDefaults()
    {
        // Arrange
        var sut = new AnomalyOptions();
        sut.Defaults.RateOfChange.MaxSpanFractionPerSecond = 0.2;
        sut.ForSensorType("o2").RateOfChange.MaxRatePerSecond = 1;

        // Act / Assert
        new RateOfChangeDetector(Device(), O2, sut).MaxRatePerSecond.ShouldBe(1);
        new RateOfChangeDetector(Device(), Temp, sut).MaxRatePerSecond.ShouldBe(20, 1e-12);
        new RateOfChangeDetector(Device(), Ch4, sut).MaxRatePerSecond.ShouldBe(20, 1e-12); // ch4 overrides only its flat line
    }

    [Fact]
    public void Resolve_EmptyDefaults_FallBackToTheBuiltIns()
    {
        // Arrange: what a configuration section that replaces Defaults with an empty object would give.
        var sut = new AnomalyOptions { Defaults = new SensorTypeAnomalySettings() };

        // Act / Assert
        new RateOfChangeDetector(Device(), Temp, sut).MaxRatePerSecond.ShouldBe(10, 1e-12);
        new AnomalyEngine(TestRegistry.Create(), sut).DetectorInstances.ShouldBe(new AnomalyEngine(TestRegistry.Create(), new AnomalyOptions()).DetectorInstances);
    }

    [Fact]
    public void Resolve_DisabledForOneType_RemovesOnlyThoseDetectors()
    {
        // Arrange
        var sut = new AnomalyOptions();
        sut.ForSensorType("temp").Drift.Enabled = false;
        sut.ForSensorType("temp").Flatline.Readings = 0;
        sut.ForSensorType("temp").Flatline.Duration = TimeSpan.Zero; // no criterion left: off

        // Act / Assert: three gas controllers lose two detectors each.
        new AnomalyEngine(TestRegistry.Create(), sut).DetectorInstances.ShouldBe(61 - 6);
    }

    [Theory]
    [InlineData("lambda")]
    [InlineData("window")]
    [InlineData("clear")]
    [InlineData("warmup")]
    [InlineData("offline")]
    public void Resolve_InvalidFigures_ThrowNamingTheDetector(string what)
    {
        // Arrange
        var sut = new AnomalyOptions();
        var temp = sut.ForSensorType("temp");
        var expected = "Drift";
        switch (what)
        {
            case "lambda":
                temp.Drift.Lambda = 0;
                break;
            case "window":
                temp.Spike.Window = 2;
                expected = "Spike";
                break;
            case "clear":
                temp.Flatline.ClearSamples = 0;
                expected = "Flatline";
                break;
            case "warmup":
                temp.Drift.WarmupSamples = 1;
                break;
            default:
                sut.DeviceOffline.IntervalFactor = 0;
                expected = "DeviceOffline";
                break;
        }

        // Act / Assert
        var error = Should.Throw<InvalidOperationException>(() => new AnomalyEngine(TestRegistry.Create(), sut));
        error.Message.ShouldContain(expected);
    }
}
