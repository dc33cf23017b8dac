using Lifeline.Assets;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Rules.Anomaly;
using Lifeline.Testing;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class AnomalyConfigLoaderTests : IDisposable
{
    private static readonly Lazy<AssetRegistry> Baoshan = new(() => AssetRegistryLoader.Load(RepositoryPaths.Seeds()));

    private static readonly string SeedsFile = Path.Combine(RepositoryPaths.Seeds(), AnomalyConfigLoader.FileName);

    private readonly string _dir = Directory.CreateTempSubdirectory("lifeline-anomaly-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    private string Write(string yaml)
    {
        var file = Path.Combine(_dir, AnomalyConfigLoader.FileName);
        File.WriteAllText(file, yaml);
        return file;
    }

    private static IReadOnlyList<string> Errors(string file, params (string Key, string Value)[] overrides) =>
        Should.Throw<AssetRegistryException>(() => AnomalyConfigLoader.Load(file, Baoshan.Value, Overrides(overrides))).Errors;

    private static KeyValuePair<string, string?>[] Overrides((string Key, string Value)[] overrides) =>
        [.. overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value))];

    [Fact]
    public void Load_BaoshanSeeds_GivesTheDocumentedPolicy()
    {
        // Act
        var sut = AnomalyConfigLoader.Load(SeedsFile, Baoshan.Value);

        // Assert
        sut.Enabled.ShouldBeTrue();
        var o = sut.Options;
        o.DeviceOffline.IntervalFactor.ShouldBe(3);
        o.DeviceOffline.IncludeNeverSeen.ShouldBe(false);
        o.DeviceOffline.StartupGrace.ShouldBe(TimeSpan.FromMinutes(10));
        o.Defaults.Drift.Enabled.ShouldBe(false);
        o.SensorTypes["o2"].Drift.Enabled.ShouldBe(true);
        o.SensorTypes["ch4"].Flatline.NormallyZero.ShouldBe(true);
        o.SensorTypes["tp"].Flatline.Duration.ShouldBe(TimeSpan.FromHours(6));
        o.Defaults.Flatline.Duration.ShouldBe(TimeSpan.FromHours(1));
        o.CommandMismatch.Pairs.ShouldBeEmpty();
        o.Alarms[AnomalyKinds.CommandMismatch].Priority.ShouldBe(AlarmPriority.High);
        o.Alarms[AnomalyKinds.Spike].Message.ShouldBe("Spike: one reading far from its neighbours");
    }

    [Fact]
    public void SeedsFile_HeaderDocumentsEveryKey()
    {
        // Arrange
        var header = string.Join('\n', File.ReadLines(SeedsFile).TakeWhile(l => l.StartsWith('#')));

        // Act / Assert
        AnomalyConfigLoader.AllKeys.Where(k => !header.Contains(k, StringComparison.Ordinal)).ShouldBeEmpty();
        foreach (var kind in AnomalyKinds.All)
        {
            header.ShouldContain(kind);
        }
    }

    [Fact]
    public void Load_OverridesInSnakeOrPascalCase_WinOverTheFile()
    {
        // Act
        var sut = AnomalyConfigLoader.Load(SeedsFile, Baoshan.Value, Overrides(
        [
            ("defaults:flatline:duration", "2s"),
            ("Defaults:Flatline:Readings", "5"),
            ("DeviceOffline:IncludeNeverSeen", "true"),
            ("sensor_types:temp:drift:enabled", "true"),
            ("alarms:seq_gap:priority", "medium"),
        ])).Options;

        // Assert
        sut.Defaults.Flatline.Duration.ShouldBe(TimeSpan.FromSeconds(2));
        sut.Defaults.Flatline.Readings.ShouldBe(5);
        sut.DeviceOffline.IncludeNeverSeen.ShouldBe(true);
        sut.SensorTypes["temp"].Drift.Enabled.ShouldBe(true);
        sut.Alarms[AnomalyKinds.SeqGap].Priority.ShouldBe(AlarmPriority.Medium);
        sut.Alarms[AnomalyKinds.SeqGap].Message.ShouldBe("Messages lost: sequence gap");
    }

    [Fact]
    public void Load_OverrideAddsACommandPair_AsAListEntry()
    {
        // Arrange: the zone controllers' two fan feedbacks as a (contrived) pair.
        var file = Write("command_mismatch:\n  timeout: 10s\n");

        // Act
        var sut = AnomalyConfigLoader.Load(file, Baoshan.Value, Overrides(
        [
            ("command_mismatch:pairs:0:command", "fan1_run"),
            ("command_mismatch:pairs:0:feedback", "fan2_run"),
            ("command_mismatch:pairs:0:device_model", "zc-gas"),
        ])).Options;

        // Assert
        var pair = sut.CommandMismatch.Pairs.ShouldHaveSingleItem();
        (pair.CommandChannel, pair.FeedbackChannel, pair.DeviceModel).ShouldBe(("fan1_run", "fan2_run", "zc-gas"));
        sut.CommandMismatch.Timeout.ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Load_EmptyFile_IsAnErrorAndKeysLeftOutKeepTheBuiltIns()
    {
        // Act / Assert
        Errors(Write(string.Empty)).ShouldHaveSingleItem().ShouldContain("the file is empty");
        var builtIn = new AnomalyOptions();
        var sut = AnomalyConfigLoader.Load(Write("enabled: true\n"), Baoshan.Value).Options;
        sut.Defaults.Spike.Window.ShouldBe(builtIn.Defaults.Spike.Window);
        sut.DeviceOffline.IncludeNeverSeen.ShouldBe(builtIn.DeviceOffline.IncludeNeverSeen);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        // Arrange
        var file = Path.Combine(_dir, "nope.yaml");

        // Act / Assert
        Errors(file).ShouldBe([$"{file}: file not found"]);
    }

    [Fact]
    public void Load_DisabledInTheFile_IsStillChecked()
    {
        // Act / Assert
        AnomalyConfigLoader.Load(Write("enabled: false\n"), Baoshan.Value).Enabled.ShouldBeFalse();
        Errors(Write("enabled: false\ndefaults:\n  spike:\n    window: 1\n")).ShouldHaveSingleItem().ShouldContain("defaults.spike.window");
    }

    [Theory]
    [InlineData("defaults:\n  spike:\n    window: 2\n", "defaults.spike.window: must be 3–256, got 2 (line 3)")]
    [InlineData("defaults:\n  spike:\n    windw: 20\n", "defaults.spike.windw: unknown key 'windw' (did you mean 'window'?); allowed keys: enabled, clear_samples, clear_duration, window, threshold, return_threshold, min_deviation, min_deviation_span_fraction (line 3)")]
    [InlineData("defaults:\n  drift:\n    lambda: 1.5\n", "defaults.drift.lambda: must be > 0 and ≤ 1 (the EWMA weight), got 1.5 (line 3)")]
    [InlineData("defaults:\n  drift:\n    target: 20.9\n", "defaults.drift.target: is in the sensor type's own unit, so it cannot be a default for every type: set it under sensor_types.<type>.drift (or use the *_span_fraction key) (line 3)")]
    [InlineData("defaults:\n  flatline:\n    duration: 1 hour\n", "defaults.flatline.duration: expected a duration such as 0, 500ms, 15s, 1m or 2h, got '1 hour' (line 3)")]
    [InlineData("defaults:\n  sensor_fault:\n    clear_samples: 0\n", "defaults.sensor_fault.clear_samples: must be at least 1, got 0 (line 3)")]
    [InlineData("defaults:\n  spike:\n    threshold: 3\n    return_threshold: 4\n", "defaults.spike.return_threshold: must not exceed threshold (3), got 4 (line 4)")]
    [InlineData("sensor_types:\n  o3:\n    drift: {enabled: true}\n", "sensor_types.o3: unknown sensor type 'o3' (sensor-types.yaml has")]
    [InlineData("sensor_types:\n  intrusion:\n    flatline: {duration: 1h}\n", "sensor_types.intrusion.flatline: sensor type 'intrusion' is boolean: flatline applies to analog channels only (a boolean type may set sensor_fault) (line 3)")]
    [InlineData("sensor_types:\n  o2:\n    drift: {target: 30}\n", "sensor_types.o2.drift.target: 30 lies outside the physical range of 'o2' (0–25 %vol) (line 3)")]
    [InlineData("device_offline:\n  interval_factor: 0\n", "device_offline.interval_factor: must be > 0, got 0 (line 2)")]
    [InlineData("seq_gap:\n  min_gap: 0\n", "seq_gap.min_gap: must be at least 1, got 0 (line 2)")]
    [InlineData("alarms:\n  spike: {priority: urgent}\n", "alarms.spike.priority: unknown priority 'urgent'; allowed: critical, high, medium, low (line 2)")]
    [InlineData("alarms:\n  device_offline: {priority: low}\n", "alarms.device_offline: device_offline is reported as the device's comm-loss alarm (rule device.comm-loss), which has its own priority and message; remove this entry (line 2)")]
    [InlineData("alarms:\n  stuck: {priority: low}\n", "alarms.stuck: unknown anomaly kind 'stuck'; allowed: seq_gap, command_mismatch, sensor_fault, rate_of_change, spike, flatline, drift (line 2)")]
    [InlineData("command_mismatch:\n  pairs:\n    - {command: fan1_cmd, feedback: fan1_run}\n", "command_mismatch.pairs[0].command: no device has both channels 'fan1_cmd' and 'fan1_run', so the pair would never be checked (line 3)")]
    [InlineData("command_mismatch:\n  pairs:\n    - {command: o2, feedback: fan1_run}\n", "command_mismatch.pairs[0].command: channel 'o2' of device model 'zc-gas' is analog; a command/feedback pair compares on/off (boolean) channels (line 3)")]
    [InlineData("command_mismatch:\n  pairs:\n    - {command: fan1_run, feedback: fan2_run, device_model: zc-nope}\n", "command_mismatch.pairs[0].device_model: unknown device model 'zc-nope' (the registry has")]
    [InlineData("bogus: 1\n", "bogus: unknown key 'bogus'; allowed keys: enabled, defaults, sensor_types, device_offline, seq_gap, command_mismatch, alarms (line 1)")]
    public void Load_InvalidValue_IsReportedWithFilePathAndReason(string yaml, string expected)
    {
        // Arrange
        var file = Write(yaml);

        // Act
        var errors = Errors(file);

        // Assert
        errors.ShouldHaveSingleItem().ShouldStartWith($"{file}: {expected}");
    }

    [Fact]
    public void Load_SeveralErrors_AreAllReportedInFileOrder()
    {
        // Arrange
        var file = Write("defaults:\n  spike:\n    window: 2\n  drift:\n    lambda: 0\nseq_gap:\n  min_gap: -1\n");

        // Act
        var errors = Errors(file);

        // Assert
        errors.Count.ShouldBe(3);
        errors[0].ShouldContain("defaults.spike.window");
        errors[1].ShouldContain("defaults.drift.lambda");
        errors[2].ShouldContain("seq_gap.min_gap");
    }

    [Fact]
    public void Load_InvalidOverride_NamesTheFileKeyAndTheConfigurationKey()
    {
        // Act
        var errors = Errors(SeedsFile, ("Defaults:Flatline:Duration", "soon"), ("device_offline:interval_factor", "-2"));

        // Assert
        errors.ShouldBe(
        [
            $"{SeedsFile}: defaults.flatline.duration: expected a duration such as 0, 500ms, 15s, 1m or 2h, got 'soon' (set by configuration Anomaly:Defaults:Flatline:Duration)",
            $"{SeedsFile}: device_offline.interval_factor: must be > 0, got -2 (set by configuration Anomaly:device_offline:interval_factor)",
        ]);
    }

    [Fact]
    public void Load_OverrideOfAnUnknownKey_IsReportedLikeInTheFile()
    {
        // Act
        var errors = Errors(SeedsFile, ("defaults:spike:windw", "20"));

        // Assert
        errors.ShouldHaveSingleItem().ShouldStartWith($"{SeedsFile}: defaults.spike.windw: unknown key 'windw' (did you mean 'window'?)");
        errors[0].ShouldEndWith("(set by configuration Anomaly:defaults:spike:windw)");
    }

    [Theory]
    [InlineData("enabled:x", "configuration Anomaly:enabled:x: {0}: enabled is 'true', so it has no key 'x'")]
    [InlineData("command_mismatch:pairs:3:command", "configuration Anomaly:command_mismatch:pairs:3:command: {0}: command_mismatch.pairs has 0 entries; index 3 would leave a gap (use 0)")]
    [InlineData("command_mismatch:pairs:first:command", "configuration Anomaly:command_mismatch:pairs:first:command: {0}: command_mismatch.pairs is a list, so the next key must be an index (0, 1, …), got 'first'")]
    public void Load_OverrideThatDoesNotFitTheFile_IsReported(string key, string expected)
    {
        // Act
        var errors = Errors(SeedsFile, (key, "fan1_run"));

        // Assert
        errors[0].ShouldBe(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, SeedsFile));
    }

    [Theory]
    [InlineData("ClearSamples", "clear_samples")]
    [InlineData("MaxSpanFractionPerSecond", "max_span_fraction_per_second")]
    [InlineData("o2", "o2")]
    [InlineData("O2", "o2")]
    [InlineData("cod_in", "cod_in")]
    [InlineData("SensorFault", "sensor_fault")]
    public void YamlKeyOf_ConvertsPascalCase(string segment, string expected)
    {
        // Act / Assert
        AnomalyConfigLoader.YamlKeyOf(segment).ShouldBe(expected);
    }
}
