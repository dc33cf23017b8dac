using System.Text.Json;
using Lifeline.Server.Accounts;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>The user file: hashing, atomic persistence, concurrent writers, tokens.</summary>
public sealed class AccountStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lifeline-accounts-").FullName;

    private string FilePath => Path.Combine(_dir, "data", "users.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Passwords_AreStoredOnlyAsSaltedHashes_AndVerified()
    {
        using var store = new AccountStore(FilePath);

        await store.AddUserAsync("zhang.wei", Role.Operator, "correct horse battery");
        await store.AddUserAsync("li.na", Role.Operator, "correct horse battery");

        var text = await File.ReadAllTextAsync(FilePath);
        text.ShouldNotContain("correct horse battery");
        var hashes = store.Users.Select(u => u.PasswordHash).ToList();
        hashes.Distinct().Count().ShouldBe(2, "salted: the same password hashes differently");
        Convert.FromBase64String(hashes[0])[0].ShouldBe((byte)1, "ASP.NET Core Identity V3 format");
        (await store.AuthenticateAsync("zhang.wei", "correct horse battery")).ShouldNotBeNull().Name.ShouldBe("zhang.wei");
        (await store.AuthenticateAsync("ZHANG.WEI", "correct horse battery")).ShouldNotBeNull().Name.ShouldBe("zhang.wei");
        (await store.AuthenticateAsync("zhang.wei", "correct horse battery!")).ShouldBeNull();
        (await store.AuthenticateAsync("nobody", "correct horse battery")).ShouldBeNull();
        (await store.AuthenticateAsync("zhang.wei", null)).ShouldBeNull();
        await store.SetDisabledAsync("zhang.wei", true);
        (await store.AuthenticateAsync("zhang.wei", "correct horse battery")).ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("         ")]
    [InlineData("short")]
    [InlineData("123456789")]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("my-name-is-zhang.wei")]
    public async Task WeakPasswords_AreRefused_AndNothingIsWritten(string password)
    {
        using var store = new AccountStore(FilePath);
        var ex = await Should.ThrowAsync<AccountException>(() => store.AddUserAsync("zhang.wei", Role.Viewer, password));
        ex.Error.ShouldBe(AccountError.WeakPassword);
        File.Exists(FilePath).ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData(".dot-first")]
    [InlineData("a/b")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task BadNames_AreRefused(string name)
    {
        using var store = new AccountStore(FilePath);
        (await Should.ThrowAsync<AccountException>(() => store.AddUserAsync(name, Role.Viewer, "a-good-password"))).Error.ShouldBe(AccountError.InvalidName);
    }

    [Fact]
    public async Task Changes_AreAtomicFileReplacements_OwnerOnly_ReadByANewInstance()
    {
        using (var store = new AccountStore(FilePath))
        {
            await store.AddUserAsync("张伟", Role.Engineer, "a-good-password");
            await store.AddUserAsync("ops", Role.Operator, "a-good-password");
            await store.SetRoleAsync("ops", Role.Viewer);
        }

        // Only the file and its lock: no temp file left behind.
        Directory.GetFiles(Path.GetDirectoryName(FilePath)!).Select(Path.GetFileName).ShouldBe(["users.json", "users.json.lock"], ignoreOrder: true);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(FilePath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        using var reopened = new AccountStore(FilePath);
        reopened.Users.Select(u => (u.Name, u.Role)).ShouldBe([("ops", Role.Viewer), ("张伟", Role.Engineer)]);
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(FilePath));
        json.RootElement.GetProperty("version").GetInt32().ShouldBe(1);
        json.RootElement.GetProperty("users")[0].GetProperty("role").GetString().ShouldBe("viewer");
    }

    [Fact]
    public async Task ACrashedWrite_LeavesTheOldFile_AndTheNextWriteSucceeds()
    {
        using var store = new AccountStore(FilePath);
        await store.AddUserAsync("ops", Role.Operator, "a-good-password");
        var before = await File.ReadAllBytesAsync(FilePath);

        // A writer that died half-way left its temp file; the user file is untouched by it.
        await File.WriteAllTextAsync(FilePath + ".tmp", "{\"version\": 1, \"users\": [ {\"name\": \"half");
        using (var reader = new AccountStore(FilePath))
        {
            reader.Users.ShouldHaveSingleItem().Name.ShouldBe("ops");
        }

        (await File.ReadAllBytesAsync(FilePath)).ShouldBe(before);
        await store.AddUserAsync("second", Role.Viewer, "a-good-password");
        File.Exists(FilePath + ".tmp").ShouldBeFalse();
        new AccountStore(FilePath).Users.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ConcurrentWriters_TwoStoresOnOneFile_LoseNoUpdate()
    {
        // Two instances stand for the server and the users command (another process): each has its own memory.
        using var server = new AccountStore(FilePath);
        using var cli = new AccountStore(FilePath);
        await server.AddUserAsync("shared", Role.Operator, "a-good-password");

        var writes = Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? server.AddUserAsync($"server-{i}", Role.Viewer, "a-good-password")
            : cli.AddUserAsync($"cli-{i}", Role.Viewer, "a-good-password")).ToList<Task>();
        writes.AddRange(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? server : cli).CreateTokenAsync("shared", $"token-{i}")));
        await Task.WhenAll(writes);

        using var fresh = new AccountStore(FilePath);
        fresh.Users.Count.ShouldBe(13);
        fresh.Find("shared").ShouldNotBeNull().Tokens.Count.ShouldBe(6);
        // Each instance sees the other's writes.
        server.Users.Count.ShouldBe(13);
        cli.Find("server-0").ShouldNotBeNull();
        server.Find("cli-1").ShouldNotBeNull();
    }

    [Fact]
    public async Task ConcurrentFirstStarts_CreateOneAdmin()
    {
        using var a = new AccountStore(FilePath);
        using var b = new AccountStore(FilePath);
        var handedOver = new List<string>();

        var results = await Task.WhenAll(
            a.EnsureInitialAdminAsync("admin", p => { lock (handedOver) { handedOver.Add(p); } }),
            b.EnsureInitialAdminAsync("admin", p => { lock (handedOver) { handedOver.Add(p); } }));

        results.Count(p => p is not null).ShouldBe(1);
        handedOver.ShouldHaveSingleItem();
        new AccountStore(FilePath).Users.ShouldHaveSingleItem().Role.ShouldBe(Role.Admin);
    }

    [Fact]
    public async Task Tokens_AreStoredAsHashes_AndStopAtExpiryRevocationOrDisable()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
        using var store = new AccountStore(FilePath, time);
        await store.AddUserAsync("grafana", Role.Viewer, "a-good-password");

        var expiring = await store.CreateTokenAsync("grafana", "dashboards", time.GetUtcNow().AddHours(1));
        var forever = await store.CreateTokenAsync("grafana", "backfill");

        expiring.Secret.ShouldStartWith(AccountStore.TokenPrefix);
        Convert.FromBase64String(expiring.Secret[AccountStore.TokenPrefix.Length..].Replace('-', '+').Replace('_', '/') + "=").Length.ShouldBe(32);
        var text = await File.ReadAllTextAsync(FilePath);
        text.ShouldNotContain(expiring.Secret);
        text.ShouldContain(AccountStore.HashToken(expiring.Secret));
        store.AuthenticateToken(expiring.Secret).ShouldNotBeNull().User.Name.ShouldBe("grafana");
        store.AuthenticateToken(expiring.Secret + "x").ShouldBeNull();
        store.AuthenticateToken("not-a-token").ShouldBeNull();

        time.Advance(TimeSpan.FromHours(1));
        store.AuthenticateToken(expiring.Secret).ShouldBeNull();
        store.AuthenticateToken(forever.Secret).ShouldNotBeNull();

        await store.SetDisabledAsync("grafana", true);
        store.AuthenticateToken(forever.Secret).ShouldBeNull();
        await store.SetDisabledAsync("grafana", false);
        store.AuthenticateToken(forever.Secret).ShouldNotBeNull();

        (await store.RevokeTokenAsync("grafana", forever.Token.Id)).RevokedAt.ShouldBe(time.GetUtcNow());
        store.AuthenticateToken(forever.Secret).ShouldBeNull();
        (await Should.ThrowAsync<AccountException>(() => store.RevokeTokenAsync("grafana", "nope"))).Error.ShouldBe(AccountError.UnknownToken);
        (await Should.ThrowAsync<AccountException>(() => store.CreateTokenAsync("grafana", "late", time.GetUtcNow()))).Error.ShouldBe(AccountError.InvalidToken);
        (await Should.ThrowAsync<AccountException>(() => store.CreateTokenAsync("nobody", "x"))).Error.ShouldBe(AccountError.UnknownUser);
    }

    [Fact]
    public async Task TheLastEnabledAdmin_CannotBeDemotedOrDisabled()
    {
        using var store = new AccountStore(FilePath);
        await store.AddUserAsync("root", Role.Admin, "a-good-password");

        (await Should.ThrowAsync<AccountException>(() => store.SetRoleAsync("root", Role.Engineer))).Error.ShouldBe(AccountError.LastAdmin);
        (await Should.ThrowAsync<AccountException>(() => store.SetDisabledAsync("root", true))).Error.ShouldBe(AccountError.LastAdmin);

        await store.AddUserAsync("second", Role.Admin, "a-good-password");
        (await store.SetRoleAsync("root", Role.Engineer)).Role.ShouldBe(Role.Engineer);
    }

    [Fact]
    public async Task NewPasswordOrDisable_ChangesTheSecurityStamp_RoleChangeDoesNot()
    {
        using var store = new AccountStore(FilePath);
        var stamp = (await store.AddUserAsync("ops", Role.Operator, "a-good-password")).SecurityStamp;

        (await store.SetRoleAsync("ops", Role.Engineer)).SecurityStamp.ShouldBe(stamp);
        var afterPassword = (await store.SetPasswordAsync("ops", "another-good-password")).SecurityStamp;
        afterPassword.ShouldNotBe(stamp);
        (await store.SetDisabledAsync("ops", true)).SecurityStamp.ShouldNotBe(afterPassword);
        (await store.AuthenticateAsync("ops", "a-good-password")).ShouldBeNull();
    }

    [Fact]
    public void ACorruptFile_IsReportedWithItsPath()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, "{\"version\": 1, \"users\": [{\"name\": \"x\", \"role\": \"pharaoh\"}]}");

        var ex = Should.Throw<AccountStoreException>(() => new AccountStore(FilePath));
        ex.Message.ShouldContain(FilePath);
    }
}
