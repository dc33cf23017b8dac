using System.Globalization;
using Lifeline.Simulation;
using Lifeline.Simulation.Publishing;
using Lifeline.Simulation.Scenarios;
using Spectre.Console;

namespace Lifeline.FirmwareSim;

/// <summary>Shows the run's progress: a live table on an interactive terminal, a plain line every 5 s when output is redirected.</summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan LiveRefresh = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task ShowAsync(string header, SimulationPlan plan, SimulatorCounters counters, Task run, TimeProvider timeProvider)
    {
        foreach (var note in plan.Notes)
        {
            Console.WriteLine(note);
        }

        if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            await AnsiConsole.Live(Render(header, plan, counters, timeProvider)).StartAsync(async context =>
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(LiveRefresh, timeProvider));
                    context.UpdateTarget(Render(header, plan, counters, timeProvider));
                }
            });
        }
        else
        {
            Console.WriteLine(header);
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(PlainInterval, timeProvider));
                Console.WriteLine(PlainLine(plan, counters, timeProvider));
            }
        }

        var final = counters.Snapshot();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stopped: {final.Sent} messages sent, {final.Errors} errors"));
    }

    private static Table Render(string header, SimulationPlan plan, SimulatorCounters counters, TimeProvider timeProvider)
    {
        var s = counters.Snapshot();
        var elapsed = timeProvider.GetUtcNow() - plan.Generator.Start;
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(header)).AddColumn("Metric").AddColumn("Value");
        table.AddRow("elapsed", DurationText.Format(TimeSpan.FromSeconds(Math.Floor(elapsed.TotalSeconds))));
        table.AddRow("rate", string.Create(CultureInfo.InvariantCulture, $"{s.Rate:0.0} msg/s"));
        table.AddRow("sent", s.Sent.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("errors", s.Errors == 0 ? "0" : $"[red]{s.Errors.ToString("N0", CultureInfo.InvariantCulture)}[/]");
        table.AddRow("connections", s.ConnectedClients == 0 ? "[yellow]0 (connecting…)[/]" : s.ConnectedClients.ToString(CultureInfo.InvariantCulture));
        table.AddRow("active scenarios", Markup.Escape(ActiveScenarios(plan, elapsed)));
        if (s.LastError is { } error && s.ConnectedClients == 0)
        {
            table.AddRow("last error", $"[red]{Markup.Escape(error)}[/]");
        }

        return table;
    }

    private static string PlainLine(SimulationPlan plan, SimulatorCounters counters, TimeProvider timeProvider)
    {
        var s = counters.Snapshot();
        var elapsed = timeProvider.GetUtcNow() - plan.Generator.Start;
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{DurationText.Format(TimeSpan.FromSeconds(Math.Floor(elapsed.TotalSeconds)))}: rate {s.Rate:0.0} msg/s, sent {s.Sent}, errors {s.Errors}, connections {s.ConnectedClients}, scenarios: {ActiveScenarios(plan, elapsed)}");
        return s.ConnectedClients == 0 && s.LastError is { } error ? $"{line}; last error: {error}" : line;
    }

    private static string ActiveScenarios(SimulationPlan plan, TimeSpan elapsed)
    {
        var active = plan.Scenarios.ActiveAt(elapsed);
        var pending = plan.Scenarios.Scenarios.Count(s => s.Start > elapsed);
        var text = active.Count == 0 ? "none" : string.Join(", ", active.Select(a => a.ToString()));
        return pending > 0 ? string.Create(CultureInfo.InvariantCulture, $"{text} ({pending} pending)") : text;
    }
}
