namespace Lifeline.Server.Accounts;

/// <summary>A user of the console and the API, as stored in the user file.</summary>
public sealed record UserAccount
{
    /// <summary>Sign-in name, unique ignoring case; the name every action is attributed to.</summary>
    public required string Name { get; init; }

    public required Role Role { get; init; }

    /// <summary>ASP.NET Core Identity <c>PasswordHasher</c> format (PBKDF2, salted, versioned).</summary>
    public required string PasswordHash { get; init; }

    /// <summary>A disabled user cannot sign in; its sessions and tokens stop working.</summary>
    public bool Disabled { get; init; }

    /// <summary>Changes with the password: console sessions signed in before the change end.</summary>
    public required string SecurityStamp { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>API tokens of this user (hashes only).</summary>
    public IReadOnlyList<ApiToken> Tokens { get; init; } = [];
}

/// <summary>An API token of a user. Only its SHA-256 is stored; the token itself is shown once, at creation.</summary>
public sealed record ApiToken
{
    /// <summary>Short public id, to list and revoke the token.</summary>
    public required string Id { get; init; }

    /// <summary>What the token is for, e.g. <c>grafana</c> or <c>scada-bridge</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 text.</summary>
    public required string Hash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>After this instant the token is refused; null: no expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the token was revoked; a revoked token is refused.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expiry || now < expiry);
}

/// <summary>The user file: <c>{"version": 1, "users": [...]}</c>.</summary>
public sealed record AccountFile
{
    public int Version { get; init; } = AccountStore.FormatVersion;

    public IReadOnlyList<UserAccount> Users { get; init; } = [];
}
