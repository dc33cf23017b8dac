using System.Diagnostics;
using System.Globalization;

namespace Lifeline.Benchmarks;

/// <summary>What Linux says about this process and the machine: resident memory, CPU time, load.</summary>
internal static class MachineProbe
{
    /// <summary>VmRSS of this process from /proc/self/status, in MB (10⁶ bytes); <see cref="Process.WorkingSet64"/> elsewhere.</summary>
    public static double RssMegabytes()
    {
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb * 1024 / 1e6;
                }
            }
        }

        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64 / 1e6;
    }

    /// <summary>CPU time used by this process so far.</summary>
    public static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Busy CPU time of the whole machine so far (every core, every process), from /proc/stat; zero where it cannot be read.</summary>
    public static TimeSpan MachineCpu()
    {
        if (!File.Exists("/proc/stat"))
        {
            return TimeSpan.Zero;
        }

        // cpu  user nice system idle iowait irq softirq steal ... in clock ticks (USER_HZ, 100 on Linux).
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var busy = fields.Select((v, i) => i is 3 or 4 ? 0 : v).Take(8).Sum();
        return TimeSpan.FromMilliseconds(busy * 10.0);
    }

    /// <summary>
    /// Time the threads of this process have spent runnable but waiting for a CPU, summed over the threads alive now
    /// (second field of /proc/self/task/*/schedstat); zero where it cannot be read.
    /// </summary>
    public static TimeSpan RunQueueWait()
    {
        if (!Directory.Exists("/proc/self/task"))
        {
            return TimeSpan.Zero;
        }

        long nanoseconds = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                nanoseconds += long.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended while we read.
            }
        }

        return TimeSpan.FromTicks(nanoseconds / 100);
    }

    /// <summary>The 1-minute load average, or "?" where it cannot be read.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
