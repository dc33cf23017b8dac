using System.ComponentModel.DataAnnotations;

namespace Lifeline.Server.RuleReload;

/// <summary>Configuration section <c>Rules</c>: reloading rules.yaml without a restart.</summary>
public sealed class RuleReloadOptions
{
    public const string SectionName = "Rules";

    /// <summary>Reload rules.yaml when it changes on disk. Off: only <c>POST /api/rules/reload</c> reloads.</summary>
    public bool WatchFile { get; set; } = true;

    /// <summary>How long the file must be quiet after a change before it is read (editors save in several writes).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(1);
}
