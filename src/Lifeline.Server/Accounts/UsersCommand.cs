using System.CommandLine;
using System.Globalization;
using Lifeline.Server.Endpoints;

namespace Lifeline.Server.Accounts;

/// <summary>
/// <c>Lifeline.Server users &lt;add|list|set-role|set-password|disable|enable|token|revoke-token&gt; …</c>: manages the
/// user file the server uses, without starting the server (it may be running: the file is shared safely).
/// Exit codes: 0 done, 1 refused (unknown user, name taken, last admin, unreadable file), 2 invalid input (bad role,
/// weak or empty password, bad name, bad arguments).
/// </summary>
public static class UsersCommand
{
    public const string Name = "users";
    public const int Ok = 0;
    public const int Refused = 1;
    public const int InvalidInput = 2;

    /// <summary>True when <paramref name="args"/> is a <c>users</c> command rather than a server start.</summary>
    public static bool Matches(string[] args) => args is [Name, ..];

    /// <summary>Runs a <c>users …</c> command line (including the word <c>users</c>).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = Create(input, output, error);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            await error.WriteLineAsync("See: Lifeline.Server users --help");
            return InvalidInput;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (AccountException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return ex.IsInvalidInput ? InvalidInput : Refused;
        }
        catch (AccountStoreException ex)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            return Refused;
        }
    }

    private static RootCommand Create(TextReader input, TextWriter output, TextWriter error)
    {
        var accounts = new Option<string?>("--accounts")
        {
            Description = $"The user file (default: Accounts__Path from the environment, else {AccountsOptions.DefaultPath}, relative to the current directory like the server's content root)",
            Recursive = true,
        };
        var data = new Option<string?>("--data") { Description = "The server's data folder: the user file is <data>/users.json", Recursive = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (else one is generated and printed)" };

        AccountStore Open(ParseResult result)
        {
            var file = result.GetValue(accounts);
            var folder = result.GetValue(data);
            if (file is not null && folder is not null)
            {
                throw new AccountException(AccountError.InvalidName, "give --accounts or --data, not both");
            }

            var path = file ?? (folder is not null ? Path.Combine(folder, "users.json") : Environment.GetEnvironmentVariable("Accounts__Path"));
            return new AccountStore(AccountsOptions.Resolve(Directory.GetCurrentDirectory(), path));
        }

        async Task<(string Password, bool Generated)> PasswordAsync(ParseResult result, string user)
        {
            if (!result.GetValue(passwordStdin))
            {
                return (Passwords.GenerateFor(user), true);
            }

            var line = await input.ReadLineAsync();
            Passwords.Check(line, user);
            return (line!, false);
        }

        static Role ParseRole(string? text) =>
            Roles.TryParse(text, out var role) ? role : throw new AccountException(AccountError.InvalidRole, $"'{text}' is not a role; roles are {Roles.Names}");

        Argument<string> UserArgument() => new("user") { Description = "User name" };

        var users = new Command(Name, "Manage the users of the console and the API") { accounts, data };

        var list = new Command("list", "List the users, their roles and tokens");
        list.SetAction(result =>
        {
            var store = Open(result);
            output.WriteLine($"# {store.FilePath}");
            output.WriteLine($"{"NAME",-24} {"ROLE",-9} {"STATE",-9} {"TOKENS",-7} UPDATED");
            foreach (var user in store.Users)
            {
                var usable = user.Tokens.Count(t => t.IsUsableAt(TimeProvider.System.GetUtcNow()));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{user.Name,-24} {Roles.Name(user.Role),-9} {(user.Disabled ? "disabled" : "enabled"),-9} {usable,-7} {user.UpdatedAt:yyyy-MM-dd HH:mm:ss}Z"));
                foreach (var t in user.Tokens)
                {
                    var state = t.RevokedAt is not null ? "revoked" : t.ExpiresAt is { } e ? string.Create(CultureInfo.InvariantCulture, $"expires {e:yyyy-MM-dd HH:mm:ss}Z") : "no expiry";
                    output.WriteLine($"    token {t.Id} '{t.Name}' {state}");
                }
            }

            return Ok;
        });

        var addUser = UserArgument();
        var addRole = new Option<string>("--role") { Description = $"One of {Roles.Names}", Required = true };
        var add = new Command("add", "Add a user") { addUser, addRole, passwordStdin };
        add.SetAction(async result =>
        {
            var role = ParseRole(result.GetValue(addRole));
            var name = Passwords.CheckName(result.GetValue(addUser));
            var store = Open(result);
            var (password, generated) = await PasswordAsync(result, name);
            var user = await store.AddUserAsync(name, role, password);
            await output.WriteLineAsync($"Added user '{user.Name}' ({Roles.Name(user.Role)}) to {store.FilePath}.");
            await PrintGeneratedAsync(output, generated, password);
            return Ok;
        });

        var roleUser = UserArgument();
        var roleValue = new Argument<string>("role") { Description = $"One of {Roles.Names}" };
        var setRole = new Command("set-role", "Change a user's role") { roleUser, roleValue };
        setRole.SetAction(async result =>
        {
            var role = ParseRole(result.GetValue(roleValue));
            var user = await Open(result).SetRoleAsync(result.GetValue(roleUser)!, role);
            await output.WriteLineAsync($"'{user.Name}' is now {Roles.Name(user.Role)}.");
            return Ok;
        });

        var passwordUser = UserArgument();
        var setPassword = new Command("set-password", "Set a user's password (ends its console sessions)") { passwordUser, passwordStdin };
        setPassword.SetAction(async result =>
        {
            var store = Open(result);
            var name = store.Find(result.GetValue(passwordUser))?.Name ?? throw new AccountException(AccountError.UnknownUser, $"no user '{result.GetValue(passwordUser)}'");
            var (password, generated) = await PasswordAsync(result, name);
            await store.SetPasswordAsync(name, password);
            await output.WriteLineAsync($"Password of '{name}' changed.");
            await PrintGeneratedAsync(output, generated, password);
            return Ok;
        });

        Command Toggle(string verb, bool disabled)
        {
            var user = UserArgument();
            var command = new Command(verb, disabled ? "Disable a user: no sign-in, sessions and tokens stop working" : "Enable a disabled user") { user };
            command.SetAction(async result =>
            {
                var changed = await Open(result).SetDisabledAsync(result.GetValue(user)!, disabled);
                await output.WriteLineAsync($"'{changed.Name}' is {(disabled ? "disabled" : "enabled")}.");
                return Ok;
            });
            return command;
        }

        var tokenUser = UserArgument();
        var tokenName = new Option<string>("--name") { Description = "What the token is for, e.g. grafana", DefaultValueFactory = _ => "cli" };
        var tokenExpires = new Option<string?>("--expires") { Description = "Expiry: a duration (30d, 12h) or a date/time (2027-01-31, ISO 8601); default: never" };
        var token = new Command("token", "Create an API token for a user; it is printed once (last line)") { tokenUser, tokenName, tokenExpires };
        token.SetAction(async result =>
        {
            DateTimeOffset? expiresAt = null;
            if (result.GetValue(tokenExpires) is { } text)
            {
                expiresAt = HistoryEndpoints.TryParseDuration(text, out var duration) ? TimeProvider.System.GetUtcNow() + duration
                    : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at
                    : throw new AccountException(AccountError.InvalidToken, $"--expires '{text}': expected a duration (30d, 12h) or a date/time (2027-01-31)");
            }

            var created = await Open(result).CreateTokenAsync(result.GetValue(tokenUser)!, result.GetValue(tokenName)!, expiresAt);
            var expiry = created.Token.ExpiresAt is { } e ? e.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never";
            await output.WriteLineAsync($"Token {created.Token.Id} '{created.Token.Name}' for '{created.User.Name}' ({Roles.Name(created.User.Role)}), expires {expiry}. It is not shown again:");
            await output.WriteLineAsync(created.Secret);
            return Ok;
        });

        var revokeUser = UserArgument();
        var revokeId = new Argument<string>("token-id") { Description = "Id of the token (see: users list)" };
        var revoke = new Command("revoke-token", "Revoke an API token") { revokeUser, revokeId };
        revoke.SetAction(async result =>
        {
            var revoked = await Open(result).RevokeTokenAsync(result.GetValue(revokeUser)!, result.GetValue(revokeId)!);
            await output.WriteLineAsync($"Token {revoked.Id} '{revoked.Name}' revoked.");
            return Ok;
        });

        users.Subcommands.Add(add);
        users.Subcommands.Add(list);
        users.Subcommands.Add(setRole);
        users.Subcommands.Add(setPassword);
        users.Subcommands.Add(Toggle("disable", disabled: true));
        users.Subcommands.Add(Toggle("enable", disabled: false));
        users.Subcommands.Add(token);
        users.Subcommands.Add(revoke);
        users.SetAction(_ =>
        {
            error.WriteLine("usage: Lifeline.Server users <add|list|set-role|set-password|disable|enable|token|revoke-token> … (--help for details)");
            return InvalidInput;
        });
        return new RootCommand("Lifeline server") { users };
    }

    private static async Task PrintGeneratedAsync(TextWriter output, bool generated, string password)
    {
        if (generated)
        {
            await output.WriteLineAsync("Generated password, shown only this once:");
            await output.WriteLineAsync(password);
        }
    }
}
