using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lifeline.Notifications;

/// <summary>
/// Signed, expiring, single-use acknowledgement links: <c>{base}/ack/{token}</c> with
/// <c>token = base64url(alarm|member|crew|expires|nonce) "." base64url(HMAC-SHA256(key, payload))</c>.
/// A link is refused once used, after it expires, and when any character of it was changed.
/// </summary>
public sealed class AckLinks
{
    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public AckLinks(byte[] key, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, 16);
        _key = key;
        Lifetime = lifetime;
        _time = time;
    }

    public TimeSpan Lifetime { get; }

    /// <summary>The key from configuration, or the one kept in <paramref name="keyFile"/> (created with a random key on first use, mode 0600).</summary>
    public static byte[] LoadKey(string? secret, string keyFile)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            if (secret.Length < 32)
            {
                throw new InvalidOperationException($"Notifications:AckLinks:Secret must be at least 32 characters (got {secret.Length})");
            }

            return Encoding.UTF8.GetBytes(secret);
        }

        if (File.Exists(keyFile))
        {
            var existing = Convert.FromBase64String(File.ReadAllText(keyFile).Trim());
            if (existing.Length >= 32)
            {
                return existing;
            }

            throw new InvalidOperationException($"{keyFile}: the acknowledgement link key is too short ({existing.Length} bytes); delete the file to have a new one generated");
        }

        var key = RandomNumberGenerator.GetBytes(32);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
        var temp = keyFile + ".tmp";
        File.WriteAllText(temp, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, keyFile, overwrite: false);
        return key;
    }

    /// <summary>Marks links as used (from the journal at start-up).</summary>
    public void RestoreUsed(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var until = _time.GetUtcNow() + Lifetime;
        lock (_gate)
        {
            foreach (var id in ids)
            {
                _used[id] = until;
            }
        }
    }

    /// <summary>A new token for <paramref name="memberId"/> of <paramref name="crewId"/> to acknowledge <paramref name="alarmId"/>.</summary>
    public string Create(string alarmId, string memberId, string crewId)
    {
        var expires = (_time.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var payload = Encoding.UTF8.GetBytes(string.Join('|', alarmId, memberId, crewId, expires.ToString(CultureInfo.InvariantCulture), nonce));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload));
    }

    /// <summary>Checks a token's signature and expiry (not whether it was used).</summary>
    public AckLinkCheck Check(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024 || token.Split('.') is not [var body, var mac])
        {
            return AckLinkCheck.Fail(AckLinkProblem.Invalid);
        }

        byte[] payload;
        byte[] signature;
        try
        {
            payload = Base64Url.DecodeFromChars(body);
            signature = Base64Url.DecodeFromChars(mac);
        }
        catch (FormatException)
        {
            return AckLinkCheck.Fail(AckLinkProblem.Invalid);
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
        {
            return AckLinkCheck.Fail(AckLinkProblem.Invalid);
        }

        if (Encoding.UTF8.GetString(payload).Split('|') is not [var alarm, var member, var crew, var expiresText, var nonce]
            || !long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return AckLinkCheck.Fail(AckLinkProblem.Invalid);
        }

        var link = new AckLink(nonce, alarm, member, crew, DateTimeOffset.FromUnixTimeSeconds(expires));
        if (_time.GetUtcNow() >= link.Expires)
        {
            return new AckLinkCheck(link, AckLinkProblem.Expired);
        }

        lock (_gate)
        {
            return new AckLinkCheck(link, _used.ContainsKey(nonce) ? AckLinkProblem.Used : AckLinkProblem.None);
        }
    }

    /// <summary>Uses a token: true the first time a valid, unexpired token is used, false every other time.</summary>
    public AckLinkCheck Use(string token)
    {
        var check = Check(token);
        if (check.Problem != AckLinkProblem.None)
        {
            return check;
        }

        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var old in _used.Where(u => u.Value < now).Select(u => u.Key).ToList())
            {
                _used.Remove(old);
            }

            return _used.TryAdd(check.Link!.Id, check.Link.Expires) ? check : check with { Problem = AckLinkProblem.Used };
        }
    }
}

/// <summary>What a token says.</summary>
/// <param name="Id">The link's own id (its nonce), journaled when it is used.</param>
public sealed record AckLink(string Id, string AlarmId, string MemberId, string CrewId, DateTimeOffset Expires);

/// <summary>Why a link is refused.</summary>
public enum AckLinkProblem
{
    None,

    /// <summary>Malformed, or the signature does not match (changed or forged).</summary>
    Invalid,

    Expired,

    Used,
}

/// <summary>The result of checking a token; <see cref="Link"/> is set unless it is <see cref="AckLinkProblem.Invalid"/>.</summary>
public sealed record AckLinkCheck(AckLink? Link, AckLinkProblem Problem)
{
    public static AckLinkCheck Fail(AckLinkProblem problem) => new(null, problem);
}
