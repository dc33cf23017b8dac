namespace Lifeline.Server.Accounts;

/// <summary>Why an account operation was refused.</summary>
public enum AccountError
{
    /// <summary>The user name is empty, too long or has characters other than letters, digits, '.', '_', '-', '@'.</summary>
    InvalidName,

    /// <summary>The password is empty, too short or otherwise refused.</summary>
    WeakPassword,

    /// <summary>Not a role name.</summary>
    InvalidRole,

    /// <summary>No user of that name.</summary>
    UnknownUser,

    /// <summary>A user of that name exists (names are compared ignoring case).</summary>
    DuplicateUser,

    /// <summary>The change would leave no enabled admin.</summary>
    LastAdmin,

    /// <summary>No token with that id for that user.</summary>
    UnknownToken,

    /// <summary>A token name or expiry that cannot be used.</summary>
    InvalidToken,
}

/// <summary>An account operation that was refused; nothing was changed.</summary>
public sealed class AccountException : Exception
{
    public AccountException(AccountError error, string message)
        : base(message)
    {
        Error = error;
    }

    public AccountException()
        : this(AccountError.InvalidName, "account operation refused")
    {
    }

    public AccountException(string message)
        : this(AccountError.InvalidName, message)
    {
    }

    public AccountException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AccountError Error { get; }

    /// <summary>True when the request itself was wrong (bad name, role, password), not the state of the store.</summary>
    public bool IsInvalidInput => Error is AccountError.InvalidName or AccountError.WeakPassword or AccountError.InvalidRole or AccountError.InvalidToken;
}

/// <summary>The user file cannot be read or written (corrupt, unreadable, locked); the message names the file.</summary>
public sealed class AccountStoreException : Exception
{
    public AccountStoreException()
    {
    }

    public AccountStoreException(string message)
        : base(message)
    {
    }

    public AccountStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
