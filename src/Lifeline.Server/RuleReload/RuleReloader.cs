using System.Threading.Channels;
using Lifeline.Assets;
using Lifeline.Control;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Rules;
using Lifeline.Server.Pipeline;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.RuleReload;

/// <summary>
/// Reloads the threshold rules (rules.yaml: rules and overrides) without a restart: when the file changes on disk
/// (debounced; <c>Rules:WatchFile</c>, <c>Rules:Debounce</c>) and on <c>POST /api/rules/reload</c>.
/// <para>
/// Only rules.yaml is re-read. The asset topology (sites, tunnels, zones, devices, kits), the sensor types and the
/// interlocks are not: they stay as loaded at start-up, and the new rules are checked against them. Changing those
/// files needs a restart.
/// </para>
/// <para>
/// A reload with errors changes nothing: the previous rules stay in force and the errors are logged and reported in
/// <see cref="LastReload"/>. A valid one is swapped in on the telemetry processor, between two batches, so no reading
/// is evaluated against half a rule set; see <see cref="RuleEngine.Swap(CompiledRules, DateTimeOffset, List{RuleTransition})"/>
/// for what happens to the state of each rule.
/// </para>
/// </summary>
public sealed partial class RuleReloader : BackgroundService
{
    private readonly AssetRegistry _registry;
    private readonly RuleEngine _engine;
    private readonly TelemetryPipeline _pipeline;
    private readonly RuleReloadOptions _options;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<RuleReloader> _logger;
    private readonly IReadOnlyList<InterlockRule> _interlocks;
    private readonly SemaphoreSlim _serial = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Channel<bool> _changes = System.Threading.Channels.Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    private FileSystemWatcher? _watcher;
    private string? _lastText;
    private RuleReloadResult? _lastReload;
    private DateTimeOffset _loadedAt;

    public RuleReloader(
        AssetRegistry registry,
        AssetsLocation location,
        RuleEngine engine,
        TelemetryPipeline pipeline,
        IOptions<RuleReloadOptions> options,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ILogger<RuleReloader> logger,
        IReadOnlyList<InterlockRule>? interlocks = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _engine = engine;
        _pipeline = pipeline;
        _options = options.Value;
        _time = time;
        _lifetime = lifetime;
        _logger = logger;
        _interlocks = interlocks ?? [];
        Directory = location.Directory;
        FilePath = Path.Combine(location.Directory, AssetRegistryLoader.RulesFile);
        _loadedAt = time.GetUtcNow();
        _lastText = ReadText();
    }

    /// <summary>The asset registry directory whose rules.yaml is reloaded.</summary>
    public string Directory { get; }

    /// <summary>rules.yaml, as the loader names it in its errors.</summary>
    public string FilePath { get; }

    /// <summary>True while changes of rules.yaml on disk trigger a reload.</summary>
    public bool Watching => Volatile.Read(ref _watcher) is not null;

    /// <summary>When the rules in force were loaded (start-up, or the last successful reload).</summary>
    public DateTimeOffset LoadedAt
    {
        get
        {
            lock (_gate)
            {
                return _loadedAt;
            }
        }
    }

    /// <summary>The outcome of the last reload, successful or not; null before the first.</summary>
    public RuleReloadResult? LastReload => Volatile.Read(ref _lastReload);

    /// <summary>
    /// Reads rules.yaml again and, when it is valid, swaps the new rules in. One reload runs at a time; the call returns
    /// when the new rules are in force (or with the errors). Ends only at shutdown, not with the caller.
    /// </summary>
    public async Task<RuleReloadResult> ReloadAsync(RuleReloadTrigger trigger)
    {
        var stopping = _lifetime.ApplicationStopping;
        await _serial.WaitAsync(stopping);
        try
        {
            var at = _time.GetUtcNow();
            Volatile.Write(ref _lastText, ReadText());
            RuleSet rules;
            try
            {
                rules = AssetRegistryLoader.LoadRules(Directory, _registry);
            }
            catch (AssetRegistryException ex)
            {
                return Failed(at, trigger, ex.Errors);
            }

            if (InterlockErrors(rules) is { Count: > 0 } interlockErrors)
            {
                return Failed(at, trigger, interlockErrors);
            }

            // Resolved against the devices here; only the swap itself runs on the processor.
            var compiled = _engine.Compile(rules);
            var change = await _pipeline.InvokeAsync((now, output) => _engine.Swap(compiled, now, output), stopping);
            var result = new RuleReloadResult
            {
                At = at,
                Trigger = trigger,
                Ok = true,
                Added = change.Added,
                Removed = change.Removed,
                Changed = change.Changed,
                UnchangedInstances = change.Unchanged,
                ResetInstances = change.Reset,
                ClearedAlarms = change.ClearedAlarms,
            };
            lock (_gate)
            {
                _loadedAt = at;
            }

            Volatile.Write(ref _lastReload, result);
            Log.Reloaded(_logger, FilePath, trigger, change.Added, change.Removed, change.Changed, change.ClearedAlarms);

            return result;
        }
        finally
        {
            _serial.Release();
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Watching starts before the host reports started, so no change made after that is missed.
        if (_options.WatchFile)
        {
            Volatile.Write(ref _watcher, CreateWatcher());
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _watcher, null)?.Dispose();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        Interlocked.Exchange(ref _watcher, null)?.Dispose();
        _serial.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Watching)
        {
            return;
        }

        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken))
            {
                // Debounce: an editor saves in several writes (truncate, write, rename); read once the file is quiet.
                do
                {
                    while (_changes.Reader.TryRead(out _))
                    {
                    }

                    await Task.Delay(_options.Debounce, _time, stoppingToken);
                }
                while (_changes.Reader.TryPeek(out _));

                // Saved without a change (or an event for content already read): nothing to do.
                if (!string.Equals(ReadText(), Volatile.Read(ref _lastText), StringComparison.Ordinal))
                {
                    try
                    {
                        await ReloadAsync(RuleReloadTrigger.File);
                    }
#pragma warning disable CA1031 // A failed reload must not stop the watcher, let alone the host; the old rules stay.
                    catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                    {
                        Log.ReloadCrashed(_logger, FilePath, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private FileSystemWatcher? CreateWatcher()
    {
        var full = Path.GetFullPath(FilePath);
        try
        {
            var watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => _changes.Writer.TryWrite(true);
            watcher.Created += (_, _) => _changes.Writer.TryWrite(true);
            watcher.Renamed += (_, _) => _changes.Writer.TryWrite(true);
            watcher.Error += (_, e) =>
            {
                // E.g. the event buffer overflowed: the file may have changed unseen, so read it.
                Log.WatcherError(_logger, full, e.GetException());
                _changes.Writer.TryWrite(true);
            };
            watcher.EnableRaisingEvents = true;
            Log.Watching(_logger, full, _options.Debounce);
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            Log.WatchFailed(_logger, full, ex);
            return null;
        }
    }

    /// <summary>The content of rules.yaml now (null when it cannot be read: the reload reports why).</summary>
    private string? ReadText()
    {
        try
        {
            return File.ReadAllText(FilePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Interlocks are not reloaded: a rule an interlock is triggered by must stay.</summary>
    private List<string> InterlockErrors(RuleSet rules) =>
        _interlocks
            .SelectMany(i => i.Rules.Where(r => !rules.TryGetRule(r, out _)).Select(r => (Interlock: i.Id, Rule: r)))
            .Select(x => $"{FilePath}: rules: rule '{x.Rule}' is gone, but interlock '{x.Interlock}' of interlocks.yaml is triggered by it; interlocks are not reloaded, so keep the rule (or change interlocks.yaml and restart)")
            .ToList();

    private RuleReloadResult Failed(DateTimeOffset at, RuleReloadTrigger trigger, IReadOnlyList<string> errors)
    {
        var result = new RuleReloadResult { At = at, Trigger = trigger, Ok = false, Errors = errors };
        Volatile.Write(ref _lastReload, result);
        if (_logger.IsEnabled(LogLevel.Error))
        {
            Log.ReloadFailed(_logger, FilePath, trigger, errors.Count, string.Concat(errors.Select(e => Environment.NewLine + "  " + e)));
        }

        return result;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Rules reloaded from {File} ({Trigger}): added [{Added}], removed [{Removed}], changed [{Changed}]; {Cleared} active alarm(s) cleared for re-evaluation")]
        public static partial void Reloaded(ILogger logger, string file, RuleReloadTrigger trigger, IReadOnlyList<string> added, IReadOnlyList<string> removed, IReadOnlyList<string> changed, int cleared);

        [LoggerMessage(EventId = 211, Level = LogLevel.Error, Message = "Reloading {File} ({Trigger}) failed, the previous rules stay in force; {Count} error(s):{Errors}")]
        public static partial void ReloadFailed(ILogger logger, string file, RuleReloadTrigger trigger, int count, string errors);

        [LoggerMessage(EventId = 215, Level = LogLevel.Error, Message = "Reloading {File} failed unexpectedly; the previous rules stay in force")]
        public static partial void ReloadCrashed(ILogger logger, string file, Exception exception);

        [LoggerMessage(EventId = 212, Level = LogLevel.Information, Message = "Watching {File} (debounce {Debounce}): the rules reload when it changes; the asset topology is not reloaded")]
        public static partial void Watching(ILogger logger, string file, TimeSpan debounce);

        [LoggerMessage(EventId = 213, Level = LogLevel.Warning, Message = "Cannot watch {File} for changes; reload the rules with POST /api/rules/reload")]
        public static partial void WatchFailed(ILogger logger, string file, Exception exception);

        [LoggerMessage(EventId = 214, Level = LogLevel.Warning, Message = "Watching {File} reported an error; reading it again")]
        public static partial void WatcherError(ILogger logger, string file, Exception exception);
    }
}
