namespace Lifeline.Storage.Wal;

/// <summary>Replaces a small file atomically: readers see the old content or the new, never a mix, even after a crash.</summary>
public static class DurableFile
{
    /// <summary>
    /// Writes <paramref name="content"/> to a temporary file next to <paramref name="path"/>, forces it to disk, renames it
    /// over <paramref name="path"/> and forces the directory entry to disk.
    /// </summary>
    public static void Replace(string path, ReadOnlySpan<byte> content, bool fsync = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            file.Write(content);
            if (fsync)
            {
                file.Flush(flushToDisk: true);
            }
        }

        File.Move(temp, path, overwrite: true);
        if (fsync)
        {
            DirectorySync.Sync(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
    }
}
