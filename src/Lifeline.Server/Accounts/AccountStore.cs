using System.Buffers.Text;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lifeline.Storage.Wal;
using Microsoft.AspNetCore.Identity;

namespace Lifeline.Server.Accounts;

/// <summary>
/// The users and their API tokens, in one JSON file (<c>Accounts:Path</c>, default <c>data/users.json</c>).
/// <para>
/// Every change is a read-modify-write under an exclusive lock on <c>users.json.lock</c>, so the server and the
/// <c>users</c> command (another process) can change the same file at the same time without losing an update; the
/// file is replaced atomically (temp file, fsync, rename, fsync of the folder), so a crash leaves the old or the new
/// file, never half of one. The file and the lock are created readable by the owner only (0600).
/// </para>
/// <para>
/// Reads (every authenticated request) use an in-memory snapshot, reloaded when the file changes on disk: its size or
/// time on every read, its content at most once a second.
/// </para>
/// </summary>
public sealed class AccountStore : IDisposable
{
    public const int FormatVersion = 1;

    /// <summary>API tokens start with this, so a leaked one is recognisable (and cheap to reject when it is not one).</summary>
    public const string TokenPrefix = "llt_";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ContentRecheck = TimeSpan.FromSeconds(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    private static readonly UserAccount Nobody = new()
    {
        Name = "-",
        Role = Role.Viewer,
        PasswordHash = "-",
        SecurityStamp = "-",
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };

    // Verified instead when the user is unknown or disabled, so a refusal takes as long whatever its reason.
    private static readonly Lazy<string> DecoyHash = new(() => Hasher.HashPassword(Nobody, Passwords.Generate()));

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _readGate = new();
    private readonly TimeProvider _time;
    private volatile Snapshot _snapshot = Snapshot.Empty;
    private long _contentCheckedAt;

    /// <summary>Opens the store (the file need not exist) and loads it now, so a broken file is reported at once.</summary>
    /// <exception cref="AccountStoreException">The file cannot be read or is not a user file.</exception>
    public AccountStore(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        _time = time ?? TimeProvider.System;
        lock (_readGate)
        {
            RefreshLocked();
        }
    }

    public void Dispose() => _writeGate.Dispose();

    /// <summary>Full path of the user file.</summary>
    public string FilePath { get; }

    private string LockPath => FilePath + ".lock";

    private string TempPath => FilePath + ".tmp";

    /// <summary>Every user, ordered by name.</summary>
    public IReadOnlyList<UserAccount> Users => Current().Users;

    /// <summary>The user of that name (ignoring case), or null.</summary>
    public UserAccount? Find(string? name) =>
        name is not null && Current().ByName.TryGetValue(name.Trim(), out var user) ? user : null;

    /// <summary>SHA-256 (lower-case hex) of a token's UTF-8 text: what the file keeps instead of the token.</summary>
    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>
    /// The enabled user whose password this is, or null: unknown user, disabled user and wrong password are not told
    /// apart (and take the same time).
    /// </summary>
    public async Task<UserAccount?> AuthenticateAsync(string? name, string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length > Passwords.MaxLength)
        {
            return null;
        }

        var user = Find(name);
        if (user is null || user.Disabled)
        {
            Hasher.VerifyHashedPassword(Nobody, DecoyHash.Value, password);
            return null;
        }

        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // An older hash format or iteration count: store the current one, unless the password changed meanwhile.
            var rehashed = Hasher.HashPassword(user, password);
            var stored = user.PasswordHash;
            try
            {
                await MutateAsync((users, now) =>
                {
                    var index = IndexOf(users, user.Name);
                    if (users[index].PasswordHash == stored)
                    {
                        users[index] = users[index] with { PasswordHash = rehashed };
                    }

                    return 0;
                });
            }
            catch (Exception ex) when (ex is AccountException or AccountStoreException)
            {
                // The old hash still works; the next sign-in tries again.
            }
        }

        return user;
    }

    /// <summary>The enabled user and the usable (not expired, not revoked) token this is, or null.</summary>
    public TokenMatch? AuthenticateToken(string? token)
    {
        if (token is null || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 128)
        {
            return null;
        }

        return Current().ByTokenHash.TryGetValue(HashToken(token), out var match)
            && !match.User.Disabled
            && match.Token.IsUsableAt(_time.GetUtcNow())
                ? match
                : null;
    }

    /// <summary>Adds a user.</summary>
    /// <exception cref="AccountException">Bad name, weak password, or the name is taken.</exception>
    public async Task<UserAccount> AddUserAsync(string name, Role role, string password)
    {
        name = Passwords.CheckName(name);
        CheckRole(role);
        Passwords.Check(password, name);
        var hash = Hasher.HashPassword(Nobody, password);
        return await MutateAsync((users, now) =>
        {
            if (users.Any(u => Same(u.Name, name)))
            {
                throw new AccountException(AccountError.DuplicateUser, $"user '{name}' already exists");
            }

            var user = new UserAccount
            {
                Name = name,
                Role = role,
                PasswordHash = hash,
                SecurityStamp = NewStamp(),
                CreatedAt = now,
                UpdatedAt = now,
            };
            users.Add(user);
            return user;
        });
    }

    /// <summary>Changes a user's role, disabled flag and/or password in one write (nulls: unchanged).</summary>
    /// <exception cref="AccountException">Unknown user, bad role, weak password, or no enabled admin would be left.</exception>
    public async Task<UserAccount> UpdateAsync(string name, Role? role = null, bool? disabled = null, string? password = null)
    {
        if (role is { } r)
        {
            CheckRole(r);
        }

        var current = Find(name);
        string? hash = null;
        if (password is not null)
        {
            Passwords.Check(password, current?.Name ?? name);
            hash = Hasher.HashPassword(Nobody, password);
        }

        return await MutateAsync((users, now) =>
        {
            var index = IndexOf(users, name);
            var before = users[index];
            var after = before with
            {
                Role = role ?? before.Role,
                Disabled = disabled ?? before.Disabled,
                PasswordHash = hash ?? before.PasswordHash,
                // A new password or a disable ends the user's console sessions.
                SecurityStamp = hash is not null || (disabled == true && !before.Disabled) ? NewStamp() : before.SecurityStamp,
                UpdatedAt = now,
            };
            KeepAnAdmin(users, before, after);
            users[index] = after;
            return after;
        });
    }

    public Task<UserAccount> SetRoleAsync(string name, Role role) => UpdateAsync(name, role: role);

    public Task<UserAccount> SetPasswordAsync(string name, string password) => UpdateAsync(name, password: password);

    public Task<UserAccount> SetDisabledAsync(string name, bool disabled) => UpdateAsync(name, disabled: disabled);

    /// <summary>Creates an API token for a user; the returned secret is the only copy of the token.</summary>
    /// <exception cref="AccountException">Unknown user, empty or long token name, or an expiry not in the future.</exception>
    public async Task<CreatedToken> CreateTokenAsync(string userName, string tokenName, DateTimeOffset? expiresAt = null)
    {
        var label = tokenName?.Trim();
        if (string.IsNullOrEmpty(label) || label.Length > Passwords.MaxNameLength || label.Any(char.IsControl))
        {
            throw new AccountException(AccountError.InvalidToken, $"a token needs a name of 1–{Passwords.MaxNameLength} printable characters");
        }

        var secret = TokenPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return await MutateAsync((users, now) =>
        {
            if (expiresAt is { } expiry && expiry <= now)
            {
                throw new AccountException(AccountError.InvalidToken, $"the expiry {expiry:O} is not in the future");
            }

            var index = IndexOf(users, userName);
            var token = new ApiToken
            {
                Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
                Name = label,
                Hash = HashToken(secret),
                CreatedAt = now,
                ExpiresAt = expiresAt,
            };
            users[index] = users[index] with { Tokens = [.. users[index].Tokens, token], UpdatedAt = now };
            return new CreatedToken(users[index], token, secret);
        });
    }

    /// <summary>Revokes a token (it stays listed, with its revocation time).</summary>
    /// <exception cref="AccountException">Unknown user or token.</exception>
    public async Task<ApiToken> RevokeTokenAsync(string userName, string tokenId)
    {
        return await MutateAsync((users, now) =>
        {
            var index = IndexOf(users, userName);
            var user = users[index];
            var token = user.Tokens.FirstOrDefault(t => string.Equals(t.Id, tokenId?.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new AccountException(AccountError.UnknownToken, $"user '{user.Name}' has no token '{tokenId}'");
            var revoked = token with { RevokedAt = token.RevokedAt ?? now };
            users[index] = user with { Tokens = user.Tokens.Select(t => t.Id == token.Id ? revoked : t).ToList(), UpdatedAt = now };
            return revoked;
        });
    }

    /// <summary>
    /// When the store has no user at all, creates <paramref name="name"/> (admin) with a random password and returns the
    /// password; otherwise null. Safe against a concurrent start on the same file: only one creates the user.
    /// <paramref name="handOver"/> gets the password before the user is stored; if it throws, nothing is stored.
    /// </summary>
    public async Task<string?> EnsureInitialAdminAsync(string name, Action<string> handOver)
    {
        ArgumentNullException.ThrowIfNull(handOver);
        name = Passwords.CheckName(name);
        if (Users.Count > 0)
        {
            return null;
        }

        var password = Passwords.Generate();
        var hash = Hasher.HashPassword(Nobody, password);
        return await MutateAsync((users, now) =>
        {
            if (users.Count > 0)
            {
                return null;
            }

            users.Add(new UserAccount
            {
                Name = name,
                Role = Role.Admin,
                PasswordHash = hash,
                SecurityStamp = NewStamp(),
                CreatedAt = now,
                UpdatedAt = now,
            });
            handOver(password);
            return password;
        });
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static void CheckRole(Role role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new AccountException(AccountError.InvalidRole, $"not a role: {role}; roles are {Roles.Names}");
        }
    }

    private static int IndexOf(List<UserAccount> users, string? name)
    {
        var index = users.FindIndex(u => Same(u.Name, name?.Trim() ?? string.Empty));
        return index >= 0 ? index : throw new AccountException(AccountError.UnknownUser, $"no user '{name}'");
    }

    private static void KeepAnAdmin(List<UserAccount> users, UserAccount before, UserAccount after)
    {
        var wasAdmin = before.Role == Role.Admin && !before.Disabled;
        var isAdmin = after.Role == Role.Admin && !after.Disabled;
        if (wasAdmin && !isAdmin && !users.Any(u => !Same(u.Name, before.Name) && u.Role == Role.Admin && !u.Disabled))
        {
            throw new AccountException(AccountError.LastAdmin, $"'{before.Name}' is the only enabled admin: make another user admin first");
        }
    }

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        var stamp = FileStamp.Of(FilePath);
        if (stamp == snapshot.Stamp && _time.GetElapsedTime(Volatile.Read(ref _contentCheckedAt)) < ContentRecheck)
        {
            return snapshot;
        }

        lock (_readGate)
        {
            RefreshLocked();
            return _snapshot;
        }
    }

    /// <summary>Reloads the file if its content differs from the snapshot's. Caller holds <see cref="_readGate"/>.</summary>
    private void RefreshLocked()
    {
        // Stamp first, content second: a change in between makes the next read look again.
        var stamp = FileStamp.Of(FilePath);
        byte[]? bytes;
        try
        {
            bytes = stamp.Exists ? File.ReadAllBytes(FilePath) : null;
        }
        catch (FileNotFoundException)
        {
            bytes = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AccountStoreException($"{FilePath}: cannot read the user file: {ex.Message}", ex);
        }

        Volatile.Write(ref _contentCheckedAt, _time.GetTimestamp());
        var hash = bytes is null ? [] : SHA256.HashData(bytes);
        if (hash.AsSpan().SequenceEqual(_snapshot.ContentHash))
        {
            if (stamp != _snapshot.Stamp)
            {
                _snapshot = _snapshot.With(stamp);
            }

            return;
        }

        _snapshot = new Snapshot(bytes is null ? [] : Parse(bytes), stamp, hash);
    }

    private IReadOnlyList<UserAccount> Parse(byte[] bytes)
    {
        if (bytes.All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            return [];
        }

        AccountFile? file;
        try
        {
            file = JsonSerializer.Deserialize<AccountFile>(bytes, Json);
        }
        catch (JsonException ex)
        {
            throw new AccountStoreException($"{FilePath}: not a valid user file: {ex.Message}", ex);
        }

        if (file is null)
        {
            throw new AccountStoreException($"{FilePath}: not a valid user file: null");
        }

        if (file.Version != FormatVersion)
        {
            throw new AccountStoreException($"{FilePath}: user file version {file.Version}, this Lifeline reads version {FormatVersion}");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in file.Users)
        {
            string problem;
            try
            {
                problem = Passwords.CheckName(user.Name) != user.Name ? "leading or trailing spaces in the name"
                    : !names.Add(user.Name) ? "a second user of this name"
                    : !Enum.IsDefined(user.Role) ? $"role must be one of {Roles.Names}"
                    : string.IsNullOrEmpty(user.PasswordHash) ? "no password hash"
                    : user.Tokens.Any(t => t.Hash is not { Length: 64 }) ? "a token without a SHA-256 hash"
                    : string.Empty;
            }
            catch (AccountException ex)
            {
                problem = ex.Message;
            }

            if (problem.Length > 0)
            {
                throw new AccountStoreException($"{FilePath}: user '{user.Name}': {problem}");
            }
        }

        return file.Users;
    }

    private async Task<T> MutateAsync<T>(Func<List<UserAccount>, DateTimeOffset, T> change)
    {
        await _writeGate.WaitAsync();
        try
        {
            using var fileLock = await LockFileAsync();
            List<UserAccount> users;
            lock (_readGate)
            {
                // Under the file lock: the latest file, whoever wrote it.
                RefreshLocked();
                users = [.. _snapshot.Users];
            }

            var result = change(users, _time.GetUtcNow());
            users.Sort((a, b) => string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase));
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new AccountFile { Users = users }, Json);
            Write(bytes);
            lock (_readGate)
            {
                _snapshot = new Snapshot(users, FileStamp.Of(FilePath), SHA256.HashData(bytes));
                Volatile.Write(ref _contentCheckedAt, _time.GetTimestamp());
            }

            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void Write(byte[] bytes)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(TempPath, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(TempPath, FilePath, overwrite: true);
            DirectorySync.Sync(Path.GetDirectoryName(FilePath)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AccountStoreException($"{FilePath}: cannot write the user file: {ex.Message}", ex);
        }
    }

    private async Task<FileStream> LockFileAsync()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AccountStoreException($"{FilePath}: cannot create the folder of the user file: {ex.Message}", ex);
        }

        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(LockPath, options);
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < LockTimeout)
            {
                // Held by another process (or store instance) for the few milliseconds of its write.
                await Task.Delay(TimeSpan.FromMilliseconds(15), TimeProvider.System);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new AccountStoreException($"{LockPath}: cannot lock the user file: {ex.Message}", ex);
            }
        }
    }

    private readonly record struct FileStamp(bool Exists, DateTime WrittenUtc, long Length)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(true, info.LastWriteTimeUtc, info.Length) : default;
        }
    }

    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new([], default, []);

        public Snapshot(IReadOnlyList<UserAccount> users, FileStamp stamp, byte[] contentHash)
        {
            Users = [.. users.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase)];
            Stamp = stamp;
            ContentHash = contentHash;
            ByName = Users.ToFrozenDictionary(u => u.Name, StringComparer.OrdinalIgnoreCase);
            var tokens = new Dictionary<string, TokenMatch>(StringComparer.Ordinal);
            foreach (var user in Users)
            {
                foreach (var token in user.Tokens)
                {
                    tokens.TryAdd(token.Hash, new TokenMatch(user, token));
                }
            }

            ByTokenHash = tokens.ToFrozenDictionary(StringComparer.Ordinal);
        }

        private Snapshot(Snapshot other, FileStamp stamp)
        {
            Users = other.Users;
            ByName = other.ByName;
            ByTokenHash = other.ByTokenHash;
            ContentHash = other.ContentHash;
            Stamp = stamp;
        }

        public IReadOnlyList<UserAccount> Users { get; }

        public FrozenDictionary<string, UserAccount> ByName { get; }

        public FrozenDictionary<string, TokenMatch> ByTokenHash { get; }

        public FileStamp Stamp { get; }

        public byte[] ContentHash { get; }

        public Snapshot With(FileStamp stamp) => new(this, stamp);
    }
}

/// <summary>A presented token that matched: its user and its record.</summary>
public sealed record TokenMatch(UserAccount User, ApiToken Token);

/// <summary>A new token: <see cref="Secret"/> is the token itself, shown once and never stored.</summary>
public sealed record CreatedToken(UserAccount User, ApiToken Token, string Secret);
