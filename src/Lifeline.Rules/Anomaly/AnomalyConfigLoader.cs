using System.Globalization;
using System.Text;
using Lifeline.Assets;
using Lifeline.Assets.Seeds;
using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Rules.Anomaly;

/// <summary>What a city's <c>anomaly.yaml</c> configures: whether detection runs at all, and the detectors' options.</summary>
/// <param name="Enabled">The file's <c>enabled</c> key (default true).</param>
/// <param name="Options">The options: built-in defaults, changed by the keys the file (and the overrides) set.</param>
public sealed record AnomalyConfig(bool Enabled, AnomalyOptions Options);

/// <summary>
/// Loads <c>anomaly.yaml</c> (the anomaly detectors' defaults, overrides per sensor type, device-level detectors, alarm
/// priority and message per kind; the file's header documents every key) into <see cref="AnomalyOptions"/> and checks it
/// against the asset registry. Every problem is reported at once, each as
/// <c>&lt;file&gt;: &lt;yaml path&gt;: &lt;reason&gt; (line N)</c>, like the registry's own seed files.
/// <para>
/// Configuration overrides (e.g. the command line <c>--Anomaly:defaults:flatline:duration=2s</c>) are written into the
/// YAML tree before it is checked, under the same keys (snake_case; PascalCase is converted, so
/// <c>Anomaly:Defaults:Flatline:Duration</c> works too; list entries by index), so they pass the same checks and their
/// errors name the configuration key as well.
/// </para>
/// </summary>
public static class AnomalyConfigLoader
{
    /// <summary>The file's name in a city's seed directory.</summary>
    public const string FileName = "anomaly.yaml";

    /// <summary>The per-channel detectors, as keys of <c>defaults</c> and of each <c>sensor_types</c> entry.</summary>
    private static readonly string[] ChannelDetectorKeys = ["sensor_fault", "rate_of_change", "spike", "flatline", "drift"];

    private static readonly string[] TopKeys = ["enabled", "defaults", "sensor_types", "device_offline", "seq_gap", "command_mismatch", "alarms"];
    private static readonly string[] CommonKeys = ["enabled", "clear_samples", "clear_duration"];
    private static readonly string[] RateKeys = [.. CommonKeys, "max_rate_per_second", "max_span_fraction_per_second"];
    private static readonly string[] SpikeKeys = [.. CommonKeys, "window", "threshold", "return_threshold", "min_deviation", "min_deviation_span_fraction"];
    private static readonly string[] FlatlineKeys = [.. CommonKeys, "epsilon", "readings", "duration", "normally_zero", "zero_band_span_fraction"];
    private static readonly string[] DriftKeys = [.. CommonKeys, "lambda", "control_limit_sigmas", "warmup_samples", "target", "sigma", "min_shift", "min_shift_span_fraction"];
    private static readonly string[] OfflineKeys = [.. CommonKeys, "interval_factor", "min_timeout", "include_never_seen", "startup_grace"];
    private static readonly string[] SeqGapKeys = [.. CommonKeys, "min_gap", "reset_max_seq", "reorder_window"];
    private static readonly string[] MismatchKeys = [.. CommonKeys, "timeout", "check_off", "pairs"];
    private static readonly string[] PairRequired = ["command", "feedback"];
    private static readonly string[] PairOptional = ["device_model", "sensor_type", "timeout", "check_off"];
    private static readonly string[] AlarmKeys = ["priority", "message"];

    /// <summary>Every key the file may hold (at any level), for documentation checks.</summary>
    internal static IReadOnlyList<string> AllKeys { get; } =
    [
        .. new[] { TopKeys, ChannelDetectorKeys, RateKeys, SpikeKeys, FlatlineKeys, DriftKeys, OfflineKeys, SeqGapKeys, MismatchKeys, PairRequired, PairOptional, AlarmKeys }
            .SelectMany(k => k).Distinct(StringComparer.Ordinal),
    ];

    /// <summary>Loads and validates <paramref name="file"/> against <paramref name="registry"/>.</summary>
    /// <param name="file">The YAML file; its path as given prefixes every error.</param>
    /// <param name="registry">The city's registry: sensor types, device models and channels are checked against it.</param>
    /// <param name="overrides">
    /// Configuration values relative to <paramref name="overrideSection"/> (<c>defaults:flatline:duration</c> → <c>2s</c>),
    /// applied on top of the file; null values (sections) are skipped.
    /// </param>
    /// <param name="overrideSection">The configuration section the overrides came from, for error messages.</param>
    /// <exception cref="AssetRegistryException">With every error found, in file order (overrides first).</exception>
    public static AnomalyConfig Load(string file, AssetRegistry registry, IEnumerable<KeyValuePair<string, string?>>? overrides = null, string overrideSection = "Anomaly")
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(registry);
        var errors = new ErrorList();
        var root = YamlSource.Load(file, errors);
        AnomalyConfig? config = null;
        if (root is not null)
        {
            var fromConfiguration = new Dictionary<string, string>(StringComparer.Ordinal);
            if (overrides is not null)
            {
                ApplyOverrides(root, overrides, overrideSection, file, errors, fromConfiguration);
            }

            var parseErrors = new ErrorList();
            config = new Parser(new YamlReader(file, parseErrors), registry).Parse(root);
            foreach (var error in parseErrors.Items)
            {
                errors.Add(Annotate(error, file, fromConfiguration));
            }
        }

        if (errors.Count > 0 || config is null)
        {
            throw new AssetRegistryException(errors.Count > 0 ? errors.Items.ToList() : [$"{file}: could not be loaded"]);
        }

        try
        {
            // What only shows per channel (span-relative figures on a channel's own range) is checked by building the engine.
            _ = new AnomalyEngine(registry, config.Options);
        }
        catch (InvalidOperationException ex)
        {
            throw new AssetRegistryException([$"{file}: {ex.Message}"]);
        }

        return config;
    }

    /// <summary>A configuration key segment as a YAML key: <c>ClearSamples</c> → <c>clear_samples</c>; snake_case stays.</summary>
    internal static string YamlKeyOf(string segment)
    {
        var builder = new StringBuilder(segment.Length + 4);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(segment[i - 1]) || char.IsDigit(segment[i - 1])))
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>Marks an error about a node that a configuration override set or created.</summary>
    private static string Annotate(string error, string file, Dictionary<string, string> fromConfiguration)
    {
        foreach (var (path, key) in fromConfiguration)
        {
            if (error.StartsWith($"{file}: {YamlPath.Display(path)}: ", StringComparison.Ordinal))
            {
                // A node made from configuration has no line in the file.
                var line = error.LastIndexOf(" (line ", StringComparison.Ordinal);
                return $"{(line > 0 && error.EndsWith(')') ? error[..line] : error)} (set by configuration {key})";
            }
        }

        return error;
    }

    private static void ApplyOverrides(
        YamlNode root, IEnumerable<KeyValuePair<string, string?>> overrides, string section, string file, ErrorList errors, Dictionary<string, string> fromConfiguration)
    {
        // Key order, list indexes by number, so entry 2 is made before entry 10.
        foreach (var (key, value) in overrides.OrderBy(o => o.Key, KeyOrder.Instance))
        {
            if (value is null)
            {
                continue;
            }

            var configKey = $"{section}:{key}";
            var segments = key.Split(':');
            if (segments.Any(s => s.Length == 0))
            {
                errors.Add($"configuration {configKey}: a key segment is empty");
                continue;
            }

            var node = root;
            var path = YamlPath.Root;
            for (var i = 0; i < segments.Length; i++)
            {
                var last = i == segments.Length - 1;
                YamlNode Create() => last ? new YamlScalarNode(value) : ContainerFor(segments[i + 1]);
                if (node is YamlMappingNode mapping)
                {
                    var name = YamlKeyOf(segments[i]);
                    var existing = mapping.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: { } k } && string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                    var childPath = YamlPath.Key(path, existing.Key is YamlScalarNode { Value: { } existingName } ? existingName : name);
                    if (existing.Key is null)
                    {
                        node = Create();
                        mapping.Add(new YamlScalarNode(name), node);
                    }
                    else if (last || IsEmpty(existing.Value))
                    {
                        node = Create();
                        mapping.Children[existing.Key] = node;
                    }
                    else
                    {
                        node = existing.Value;
                    }

                    path = childPath;
                    if (last || existing.Key is null)
                    {
                        fromConfiguration.TryAdd(path, configKey);
                    }
                }
                else if (node is YamlSequenceNode sequence)
                {
                    if (!int.TryParse(segments[i], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    {
                        errors.Add($"configuration {configKey}: {file}: {YamlPath.Display(path)} is a list, so the next key must be an index (0, 1, …), got '{segments[i]}'");
                        break;
                    }

                    if (index > sequence.Children.Count)
                    {
                        errors.Add($"configuration {configKey}: {file}: {YamlPath.Display(path)} has {sequence.Children.Count} entries; index {index} would leave a gap (use {sequence.Children.Count})");
                        break;
                    }

                    path = YamlPath.Index(path, index);
                    if (index == sequence.Children.Count)
                    {
                        node = Create();
                        sequence.Add(node);
                        fromConfiguration.TryAdd(path, configKey);
                    }
                    else if (last)
                    {
                        node = Create();
                        sequence.Children[index] = node;
                        fromConfiguration.TryAdd(path, configKey);
                    }
                    else
                    {
                        node = sequence.Children[index];
                    }
                }
                else
                {
                    errors.Add($"configuration {configKey}: {file}: {YamlPath.Display(path)} is {YamlReader.Describe(node)}, so it has no key '{segments[i]}'");
                    break;
                }
            }
        }
    }

    /// <summary>Orders configuration keys segment by segment, numbers by value.</summary>
    private sealed class KeyOrder : IComparer<string>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = (x ?? string.Empty).Split(':');
            var b = (y ?? string.Empty).Split(':');
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var order = long.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && long.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                    ? m.CompareTo(n)
                    : StringComparer.OrdinalIgnoreCase.Compare(a[i], b[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return a.Length.CompareTo(b.Length);
        }
    }

    private static YamlNode ContainerFor(string nextSegment) =>
        int.TryParse(nextSegment, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? new YamlSequenceNode() : new YamlMappingNode();

    private static bool IsEmpty(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null" } scalar && scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any;

    private sealed class Parser(YamlReader reader, AssetRegistry registry)
    {
        private readonly HashSet<string> _models = registry.Devices.Select(d => d.Model).ToHashSet(StringComparer.Ordinal);

        public AnomalyConfig? Parse(YamlNode root)
        {
            var top = reader.Map(root, YamlPath.Root, [], TopKeys);
            if (top is null)
            {
                return null;
            }

            var options = new AnomalyOptions();
            var enabled = top.Has("enabled") ? top.Boolean("enabled") : true;
            if (top.Has("defaults") && top.Map("defaults", [], ChannelDetectorKeys) is { } defaults)
            {
                ChannelDetectors(defaults, options.Defaults, null);
            }

            if (top.Has("sensor_types"))
            {
                foreach (var entry in top.Entries("sensor_types") ?? [])
                {
                    if (!registry.SensorTypes.TryGetValue(entry.Key, out var type))
                    {
                        reader.Error(entry.KeyNode, entry.Path, $"unknown sensor type '{entry.Key}' (sensor-types.yaml has {string.Join(", ", registry.SensorTypes.Keys.Order(StringComparer.Ordinal))})");
                        continue;
                    }

                    if (reader.Map(entry.Value, entry.Path, [], ChannelDetectorKeys) is { } map)
                    {
                        ChannelDetectors(map, options.ForSensorType(type.Id), type);
                    }
                }
            }

            if (top.Has("device_offline") && top.Map("device_offline", [], OfflineKeys) is { } offline)
            {
                var s = options.DeviceOffline;
                Common(offline, s);
                s.IntervalFactor = Positive(offline, "interval_factor") ?? s.IntervalFactor;
                s.MinTimeout = offline.Duration("min_timeout") ?? s.MinTimeout;
                s.IncludeNeverSeen = offline.Boolean("include_never_seen") ?? s.IncludeNeverSeen;
                s.StartupGrace = offline.Duration("startup_grace") ?? s.StartupGrace;
            }

            if (top.Has("seq_gap") && top.Map("seq_gap", [], SeqGapKeys) is { } seqGap)
            {
                var s = options.SeqGap;
                Common(seqGap, s);
                s.MinGap = Whole(seqGap, "min_gap", 1) ?? s.MinGap;
                s.ResetMaxSeq = Whole(seqGap, "reset_max_seq", 0) ?? s.ResetMaxSeq;
                s.ReorderWindow = Whole(seqGap, "reorder_window", 0) ?? s.ReorderWindow;
            }

            if (top.Has("command_mismatch") && top.Map("command_mismatch", [], MismatchKeys) is { } mismatch)
            {
                var s = options.CommandMismatch;
                Common(mismatch, s);
                s.Timeout = mismatch.Duration("timeout") ?? s.Timeout;
                s.CheckOff = mismatch.Boolean("check_off") ?? s.CheckOff;
                if (mismatch.Has("pairs"))
                {
                    foreach (var item in mismatch.Sequence("pairs") ?? [])
                    {
                        if (Pair(item) is { } pair)
                        {
                            s.Pairs.Add(pair);
                        }
                    }
                }
            }

            if (top.Has("alarms"))
            {
                foreach (var entry in top.Entries("alarms") ?? [])
                {
                    Alarm(entry, options);
                }
            }

            return new AnomalyConfig(enabled ?? true, options);
        }

        private static void Common(YamlMap map, DetectorSettings settings)
        {
            settings.Enabled = map.Boolean("enabled") ?? settings.Enabled;
            settings.ClearSamples = Whole(map, "clear_samples", 1) ?? settings.ClearSamples;
            settings.ClearDuration = map.Duration("clear_duration") ?? settings.ClearDuration;
        }

        /// <summary>The per-channel detectors of <c>defaults</c> (<paramref name="type"/> null) or of one sensor type.</summary>
        private static void ChannelDetectors(YamlMap map, SensorTypeAnomalySettings target, SensorType? type)
        {
            if (map.Has("sensor_fault") && map.Map("sensor_fault", [], CommonKeys) is { } fault)
            {
                Common(fault, target.SensorFault);
            }

            if (Detector(map, "rate_of_change", RateKeys, type, ["max_rate_per_second"]) is { } rate)
            {
                var s = target.RateOfChange;
                Common(rate, s);
                s.MaxRatePerSecond = Positive(rate, "max_rate_per_second") ?? s.MaxRatePerSecond;
                s.MaxSpanFractionPerSecond = Positive(rate, "max_span_fraction_per_second") ?? s.MaxSpanFractionPerSecond;
            }

            if (Detector(map, "spike", SpikeKeys, type, ["min_deviation"]) is { } spike)
            {
                var s = target.Spike;
                Common(spike, s);
                s.Window = Whole(spike, "window", 3, SpikeDetector.MaxWindow) ?? s.Window;
                s.Threshold = Positive(spike, "threshold") ?? s.Threshold;
                s.ReturnThreshold = Positive(spike, "return_threshold") ?? s.ReturnThreshold;
                s.MinDeviation = NonNegative(spike, "min_deviation") ?? s.MinDeviation;
                s.MinDeviationSpanFraction = NonNegative(spike, "min_deviation_span_fraction") ?? s.MinDeviationSpanFraction;
                if (spike.Has("threshold") && spike.Has("return_threshold") && s.ReturnThreshold > s.Threshold)
                {
                    spike.Error("return_threshold", $"must not exceed threshold ({F(s.Threshold!.Value)}), got {F(s.ReturnThreshold!.Value)}");
                }
            }

            if (Detector(map, "flatline", FlatlineKeys, type, []) is { } flat)
            {
                var s = target.Flatline;
                Common(flat, s);
                s.Epsilon = NonNegative(flat, "epsilon") ?? s.Epsilon;
                s.Readings = Whole(flat, "readings", 0) ?? s.Readings;
                s.Duration = flat.Duration("duration") ?? s.Duration;
                s.NormallyZero = flat.Boolean("normally_zero") ?? s.NormallyZero;
                s.ZeroBandSpanFraction = NonNegative(flat, "zero_band_span_fraction") ?? s.ZeroBandSpanFraction;
            }

            if (Detector(map, "drift", DriftKeys, type, ["target", "sigma", "min_shift"]) is { } drift)
            {
                var s = target.Drift;
                Common(drift, s);
                if (drift.Number("lambda") is { } lambda)
                {
                    if (lambda is > 0 and <= 1)
                    {
                        s.Lambda = lambda;
                    }
                    else
                    {
                        drift.Error("lambda", $"must be > 0 and ≤ 1 (the EWMA weight), got {F(lambda)}");
                    }
                }

                s.ControlLimitSigmas = Positive(drift, "control_limit_sigmas") ?? s.ControlLimitSigmas;
                s.WarmupSamples = Whole(drift, "warmup_samples", 2) ?? s.WarmupSamples;
                s.Target = drift.Number("target") ?? s.Target;
                s.Sigma = NonNegative(drift, "sigma") ?? s.Sigma;
                s.MinShift = NonNegative(drift, "min_shift") ?? s.MinShift;
                s.MinShiftSpanFraction = NonNegative(drift, "min_shift_span_fraction") ?? s.MinShiftSpanFraction;
                if (type is not null && s.Target is { } t && (t < type.Min || t > type.Max))
                {
                    drift.Error("target", $"{F(t)} lies outside the physical range of '{type.Id}' ({F(type.Min)}–{F(type.Max)} {type.Unit})".TrimEnd());
                }
            }
        }

        /// <summary>An analog-only detector's mapping; reports it on a boolean type, and unit-bearing keys in <c>defaults</c>.</summary>
        private static YamlMap? Detector(YamlMap parent, string key, string[] keys, SensorType? type, string[] unitKeys)
        {
            if (!parent.Has(key))
            {
                return null;
            }

            if (type is { Kind: ChannelKind.Boolean })
            {
                parent.Error(key, $"sensor type '{type.Id}' is boolean: {key} applies to analog channels only (a boolean type may set sensor_fault)");
                return null;
            }

            var map = parent.Map(key, [], keys);
            if (map is null)
            {
                return null;
            }

            if (type is null)
            {
                foreach (var unitKey in unitKeys.Where(map.Has))
                {
                    map.Error(unitKey, $"is in the sensor type's own unit, so it cannot be a default for every type: set it under sensor_types.<type>.{key} (or use the *_span_fraction key)");
                }
            }

            return map;
        }

        private CommandFeedbackPair? Pair(YamlItem item)
        {
            var map = reader.Map(item.Node, item.Path, PairRequired, PairOptional);
            if (map is null)
            {
                return null;
            }

            var command = map.Text("command");
            var feedback = map.Text("feedback");
            var model = map.Has("device_model") ? map.Text("device_model") : null;
            var sensorType = map.Has("sensor_type") ? map.Text("sensor_type") : null;
            var timeout = map.Duration("timeout");
            var checkOff = map.Boolean("check_off");
            var ok = command is not null && feedback is not null && (!map.Has("device_model") || model is not null) && (!map.Has("sensor_type") || sensorType is not null);
            if (model is not null && !_models.Contains(model))
            {
                map.Error("device_model", $"unknown device model '{model}' (the registry has {string.Join(", ", _models.Order(StringComparer.Ordinal))})");
                ok = false;
            }

            if (sensorType is not null && !registry.SensorTypes.ContainsKey(sensorType))
            {
                map.Error("sensor_type", $"unknown sensor type '{sensorType}'");
                ok = false;
            }

            if (!ok)
            {
                return null;
            }

            if (command == feedback)
            {
                map.Error("feedback", $"must be another channel than the command ('{command}')");
                return null;
            }

            var matches = registry.Devices
                .Where(d => (model is null || d.Model == model) && d.TryGetChannel(command!, out var c) && d.TryGetChannel(feedback!, out _)
                    && (sensorType is null || c.Type.Id == sensorType))
                .OrderBy(d => d.Model, StringComparer.Ordinal)
                .ToList();
            if (matches.Count == 0)
            {
                var models = model is null ? "no device" : $"no device of model '{model}'";
                var typed = sensorType is null ? string.Empty : $" with a command of sensor type '{sensorType}'";
                map.Error("command", $"{models} has both channels '{command}' and '{feedback}'{typed}, so the pair would never be checked");
                return null;
            }

            foreach (var (name, key) in new[] { (command!, "command"), (feedback!, "feedback") })
            {
                if (matches.FirstOrDefault(d => d.TryGetChannel(name, out var c) && c.Kind != ChannelKind.Boolean) is { } analog)
                {
                    map.Error(key, $"channel '{name}' of device model '{analog.Model}' is analog; a command/feedback pair compares on/off (boolean) channels");
                    return null;
                }
            }

            return new CommandFeedbackPair
            {
                CommandChannel = command!, FeedbackChannel = feedback!, DeviceModel = model, SensorType = sensorType, Timeout = timeout, CheckOff = checkOff,
            };
        }

        private void Alarm(YamlEntry entry, AnomalyOptions options)
        {
            if (entry.Key == AnomalyKinds.DeviceOffline)
            {
                reader.Error(entry.KeyNode, entry.Path, "device_offline is reported as the device's comm-loss alarm (rule device.comm-loss), which has its own priority and message; remove this entry");
                return;
            }

            if (!AnomalyKinds.All.Contains(entry.Key, StringComparer.Ordinal))
            {
                reader.Error(entry.KeyNode, entry.Path, $"unknown anomaly kind '{entry.Key}'; allowed: {string.Join(", ", AnomalyKinds.All.Where(k => k != AnomalyKinds.DeviceOffline))}");
                return;
            }

            var map = reader.Map(entry.Value, entry.Path, [], AlarmKeys);
            if (map is null)
            {
                return;
            }

            if (!options.Alarms.TryGetValue(entry.Key, out var alarm))
            {
                alarm = new AnomalyAlarmSettings();
                options.Alarms[entry.Key] = alarm;
            }

            alarm.Priority = map.Choice("priority", SeedVocabulary.Priorities) ?? alarm.Priority;
            alarm.Message = map.Text("message") ?? alarm.Message;
        }

        private static int? Whole(YamlMap map, string key, int min, int max = int.MaxValue)
        {
            if (map.Integer(key) is not { } value)
            {
                return null;
            }

            if (value >= min && value <= max)
            {
                return value;
            }

            map.Error(key, max == int.MaxValue ? $"must be at least {min}, got {value}" : $"must be {min}–{max}, got {value}");
            return null;
        }

        private static double? Positive(YamlMap map, string key)
        {
            if (map.Number(key) is not { } value)
            {
                return null;
            }

            if (value > 0)
            {
                return value;
            }

            map.Error(key, $"must be > 0, got {F(value)}");
            return null;
        }

        private static double? NonNegative(YamlMap map, string key)
        {
            if (map.Number(key) is not { } value)
            {
                return null;
            }

            if (value >= 0)
            {
                return value;
            }

            map.Error(key, $"must not be negative, got {F(value)}");
            return null;
        }

        private static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
    }
}
