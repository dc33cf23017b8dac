using System.Runtime.InteropServices;

namespace Lifeline.Storage.Wal;

/// <summary>
/// Forces a directory's entries to disk (POSIX <c>fsync</c> on the directory), so a newly created segment or a
/// renamed checkpoint survives a power cut, not only a process crash. .NET has no API for it; elsewhere than Linux
/// and macOS it does nothing.
/// </summary>
public static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int LinuxDirectory = 0x10000;
    private const int MacDirectory = 0x100000;

    /// <summary>Syncs <paramref name="directory"/>; returns false (and never throws) when it could not.</summary>
    public static bool Sync(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        var fd = Open(directory, ReadOnly | (OperatingSystem.IsLinux() ? LinuxDirectory : MacDirectory));
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return Fsync(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
