using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Lifeline.Server.Accounts;

/// <summary>Password and user-name rules, and generated secrets.</summary>
public static partial class Passwords
{
    public const int MinLength = 10;

    /// <summary>Longer input is refused before hashing, so a sign-in cannot be made expensive on purpose.</summary>
    public const int MaxLength = 512;

    public const int GeneratedLength = 20;

    public const int MaxNameLength = 64;

    // No 0/O, 1/l/I: generated passwords are read off a console and typed in.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>A random password of <see cref="GeneratedLength"/> characters (≈117 bits) from the OS CSPRNG.</summary>
    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, GeneratedLength);

    /// <summary>A generated password that <see cref="Check"/> accepts for <paramref name="userName"/>.</summary>
    public static string GenerateFor(string? userName)
    {
        while (true)
        {
            var password = Generate();
            try
            {
                Check(password, userName?.Trim() ?? string.Empty);
                return password;
            }
            catch (AccountException)
            {
                // Contains the user name by chance: draw again.
            }
        }
    }

    /// <summary>Throws <see cref="AccountException"/> (<see cref="AccountError.WeakPassword"/>) when the password is refused.</summary>
    public static void Check(string? password, string userName)
    {
        if (string.IsNullOrWhiteSpace(password))
        {
            throw new AccountException(AccountError.WeakPassword, "the password is empty");
        }

        if (password.Length < MinLength)
        {
            throw new AccountException(AccountError.WeakPassword, $"the password is too short: at least {MinLength} characters");
        }

        if (password.Length > MaxLength)
        {
            throw new AccountException(AccountError.WeakPassword, $"the password is too long: at most {MaxLength} characters");
        }

        if (password.Distinct().Count() < 4)
        {
            throw new AccountException(AccountError.WeakPassword, "the password repeats too few characters: use at least 4 different ones");
        }

        if (userName.Length >= 3 && password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            throw new AccountException(AccountError.WeakPassword, "the password must not contain the user name");
        }
    }

    /// <summary>Throws <see cref="AccountException"/> (<see cref="AccountError.InvalidName"/>) when <paramref name="name"/> cannot be a user name.</summary>
    public static string CheckName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new AccountException(AccountError.InvalidName, "the user name is empty");
        }

        if (trimmed.Length > MaxNameLength || !NamePattern().IsMatch(trimmed))
        {
            throw new AccountException(AccountError.InvalidName, $"'{trimmed}' is not a user name: 1–{MaxNameLength} letters, digits, '.', '_', '-' or '@', starting with a letter or digit");
        }

        return trimmed;
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd}][\p{L}\p{Nd}._@-]*$")]
    private static partial Regex NamePattern();
}
