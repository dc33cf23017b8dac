using Microsoft.Extensions.Options;

namespace Lifeline.Server.Accounts;

/// <summary>
/// First start: when the user file has no user, creates <c>admin</c> (role admin) with a random password and hands the
/// password over once — printed to the console, or written to <c>Accounts:InitialAdminPasswordFile</c> (mode 0600).
/// Never a fixed default password. Runs before the server accepts requests.
/// </summary>
public sealed partial class InitialAdmin(AccountStore store, IOptions<AccountsOptions> options, IHostEnvironment environment, ILogger<InitialAdmin> logger)
    : IHostedService
{
    public const string UserName = "admin";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var file = options.Value.InitialAdminPasswordFile;
        return EnsureAsync(store, string.IsNullOrWhiteSpace(file) ? null : AccountsOptions.Resolve(environment.ContentRootPath, file), Console.Out, logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Creates the first admin if there is no user; returns its password (null when users exist). The password is
    /// handed over (file or console) before the user is stored, so it is never lost.
    /// </summary>
    public static async Task<string?> EnsureAsync(AccountStore store, string? passwordFile, TextWriter console, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(logger);
        var password = await store.EnsureInitialAdminAsync(UserName, password =>
        {
            if (passwordFile is not null)
            {
                WritePasswordFile(passwordFile, password);
            }
            else
            {
                PrintOnce(console, password);
            }
        });
        if (password is not null)
        {
            if (passwordFile is not null)
            {
                Log.CreatedToFile(logger, store.FilePath, UserName, passwordFile);
            }
            else
            {
                Log.CreatedPrinted(logger, store.FilePath, UserName);
            }
        }

        return password;
    }

    private static void PrintOnce(TextWriter console, string password)
    {
        var rule = new string('=', 78);
        console.WriteLine();
        console.WriteLine(rule);
        console.WriteLine($"  Lifeline: first start, no users yet. Created user '{UserName}' (role admin).");
        console.WriteLine("  Its password, shown only this once:");
        console.WriteLine();
        console.WriteLine($"      {password}");
        console.WriteLine();
        console.WriteLine("  Sign in at the console with it and keep it safe. To set another one:");
        console.WriteLine($"      Lifeline.Server users set-password {UserName} --password-stdin");
        console.WriteLine(rule);
        console.WriteLine();
        console.Flush();
    }

    private static void WritePasswordFile(string path, string password)
    {
        try
        {
            var directory = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(directory);
            var temp = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(password);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AccountStoreException($"{path}: cannot write the initial admin password (Accounts:InitialAdminPasswordFile): {ex.Message}", ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "No users in {Path}: created user '{User}' (role admin); its password was printed once to the console")]
        public static partial void CreatedPrinted(ILogger logger, string path, string user);

        [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "No users in {Path}: created user '{User}' (role admin); its password was written to {File}")]
        public static partial void CreatedToFile(ILogger logger, string path, string user, string file);
    }
}
