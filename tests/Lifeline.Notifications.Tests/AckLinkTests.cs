using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Notifications.Tests;

public sealed class AckLinkTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));

    private AckLinks CreateSut(byte[]? key = null) => new(key ?? Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), TimeSpan.FromHours(1), _time);

    [Fact]
    public void Use_WorksOnce_ThenRefuses()
    {
        var sut = CreateSut();
        var token = sut.Create("A000042", "zhang-wei", "yongchang-tunnel");

        sut.Check(token).Problem.ShouldBe(AckLinkProblem.None);
        var first = sut.Use(token);
        first.Problem.ShouldBe(AckLinkProblem.None);
        first.Link.ShouldBe(new AckLink(first.Link!.Id, "A000042", "zhang-wei", "yongchang-tunnel", _time.GetUtcNow().AddHours(1)));
        sut.Use(token).Problem.ShouldBe(AckLinkProblem.Used);
        sut.Check(token).Problem.ShouldBe(AckLinkProblem.Used);

        // Another link for the same alarm and person is its own link.
        sut.Use(sut.Create("A000042", "zhang-wei", "yongchang-tunnel")).Problem.ShouldBe(AckLinkProblem.None);
    }

    [Fact]
    public void Use_AfterExpiry_Refuses()
    {
        var sut = CreateSut();
        var token = sut.Create("A000042", "zhang-wei", "yongchang-tunnel");
        _time.Advance(TimeSpan.FromMinutes(59));
        sut.Check(token).Problem.ShouldBe(AckLinkProblem.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        sut.Use(token).Problem.ShouldBe(AckLinkProblem.Expired);
    }

    [Fact]
    public void Use_TamperedOrForeign_Refuses()
    {
        var sut = CreateSut();
        var token = sut.Create("A000042", "zhang-wei", "yongchang-tunnel");
        var dot = token.IndexOf('.', StringComparison.Ordinal);

        // Another alarm in the payload with the old signature.
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, dot)));
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload.Replace("A000042", "A000043", StringComparison.Ordinal))) + token[dot..];
        sut.Use(forged).Problem.ShouldBe(AckLinkProblem.Invalid);

        // One character of the signature changed; cut; garbage.
        var flipped = token[..(dot + 1)] + (token[dot + 1] == 'A' ? 'B' : 'A') + token[(dot + 2)..];
        sut.Use(flipped).Problem.ShouldBe(AckLinkProblem.Invalid);
        sut.Use(token[..dot]).Problem.ShouldBe(AckLinkProblem.Invalid);
        sut.Use("not-a-token").Problem.ShouldBe(AckLinkProblem.Invalid);

        // Signed with another key.
        CreateSut(new byte[32]).Use(token).Problem.ShouldBe(AckLinkProblem.Invalid);

        // The untouched token still works.
        sut.Use(token).Problem.ShouldBe(AckLinkProblem.None);
    }

    [Fact]
    public void RestoreUsed_KeepsLinksSingleUseAcrossRestarts()
    {
        var key = new byte[32];
        var before = CreateSut(key);
        var token = before.Create("A000042", "zhang-wei", "yongchang-tunnel");
        var used = before.Use(token).Link!.Id;

        var after = CreateSut(key);
        after.RestoreUsed([used]);
        after.Use(token).Problem.ShouldBe(AckLinkProblem.Used);
    }

    [Fact]
    public void LoadKey_WithoutSecret_GeneratesOnceAndKeepsIt()
    {
        var directory = Directory.CreateTempSubdirectory("lifeline-key-").FullName;
        var file = Path.Combine(directory, "sub", "ack.key");
        var first = AckLinks.LoadKey(null, file);
        first.Length.ShouldBe(32);
        AckLinks.LoadKey(null, file).ShouldBe(first);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Should.Throw<InvalidOperationException>(() => AckLinks.LoadKey("short", file)).Message.ShouldContain("at least 32 characters");
        AckLinks.LoadKey(new string('k', 40), file).ShouldBe(System.Text.Encoding.UTF8.GetBytes(new string('k', 40)));
        Directory.Delete(directory, recursive: true);
    }
}
