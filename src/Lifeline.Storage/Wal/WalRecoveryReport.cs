namespace Lifeline.Storage.Wal;

/// <summary>What opening the log found on disk.</summary>
/// <param name="Segments">Segment files found.</param>
/// <param name="Records">Sound records found.</param>
/// <param name="LastLsn">The newest sound record (0 when none).</param>
/// <param name="CheckpointLsn">Records up to this one had been stored by the consumer.</param>
/// <param name="Damage">Every unreadable region: what was cut and why. Empty after a clean shutdown.</param>
public sealed record WalRecoveryReport(int Segments, long Records, long LastLsn, long CheckpointLsn, IReadOnlyList<WalDamage> Damage)
{
    public bool Clean => Damage.Count == 0;
}

/// <summary>An unreadable region of a segment, found at start-up.</summary>
/// <param name="Segment">The segment file.</param>
/// <param name="Offset">Where the first unreadable record starts.</param>
/// <param name="Bytes">How many bytes from there on were cut (the tail of the newest segment) or skipped (an older segment).</param>
/// <param name="Reason">Why: torn record, checksum mismatch, LSN out of order…</param>
/// <param name="Truncated">True when the bytes were cut from the file (a torn tail after a crash).</param>
public sealed record WalDamage(string Segment, long Offset, long Bytes, string Reason, bool Truncated)
{
    public override string ToString() =>
        $"{System.IO.Path.GetFileName(Segment)} at byte {Offset}: {Reason}; {Bytes} bytes {(Truncated ? "truncated" : "skipped")}";
}
