using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Server;
using Lifeline.Server.Accounts;
using Lifeline.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>Accounts and roles over real HTTP and SignalR: sign-in, tokens, role policies, first start, the users command.</summary>
public sealed class AccountsTests
{
    private static readonly string ConsoleRoot = Path.Combine(RepositoryPaths.Root, "src", "Lifeline.Server");

    [Fact]
    public async Task Anonymous_ApiAndHub_Are401WithProblemDetails_ConsoleFilesAndHealthAreOpen()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync($"--contentRoot={ConsoleRoot}");
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/api/alarms"), (HttpMethod.Post, "/api/alarms/any/ack"), (HttpMethod.Get, "/api/assets"),
            (HttpMethod.Get, "/api/commands"), (HttpMethod.Get, "/api/users"), (HttpMethod.Get, "/api/auth/me"),
            (HttpMethod.Post, "/hubs/alarms/negotiate?negotiateVersion=1"), (HttpMethod.Get, "/no-such-page"),
        })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(method, path));
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, $"{method} {path}");
            response.Headers.Location.ShouldBeNull($"{method} {path}: no redirect to a login page");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"{method} {path}");
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32().ShouldBe(401);
        }

        // The console's files, the login page included, and the health check need no sign-in.
        (await anonymous.GetStringAsync("/login.html")).ShouldContain("login-form");
        (await anonymous.GetStringAsync("/js/login.js")).ShouldContain("/api/auth/login");
        (await anonymous.GetStringAsync("/")).ShouldContain("alarm-table");
        (await anonymous.GetAsync("/health")).StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized);

        // The hub refuses a client without credentials.
        var refused = await Should.ThrowAsync<HttpRequestException>(() => server.ConnectHubAsync(_ => { }));
        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // A token in the query string counts only on the hub path (where WebSockets cannot send headers).
        (await anonymous.GetAsync($"/api/alarms?access_token={server.OperatorToken}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsync($"/hubs/alarms/negotiate?negotiateVersion=1&access_token={server.OperatorToken}", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Viewer_CannotAcknowledgeOrCommand_Operator_AcknowledgesAsTheSignedInUser()
    {
        // Arrange: a viewer beside the host's operator, and an alarm.
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var viewerToken = await AddUserWithTokenAsync(server, "wang.fang", Role.Viewer);
        using var viewer = Client(server, viewerToken);
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice();
        await device.PublishAsync(controller, "o2", 17.0);
        var raised = await changes.WaitForAsync(c => c.SensorId == controller.SensorId("o2") && c.RuleId == "o2.low.l2", "the O₂ alarm");

        // Act + Assert: the viewer watches but may not acknowledge or command.
        (await viewer.GetAsync("/api/alarms")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await viewer.GetAsync($"/api/devices/{controller.Id}/commands")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var forbidden = await viewer.PostAsJsonAsync($"/api/alarms/{raised.Id}/ack", new { user = LifelineServerHost.OperatorName });
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        forbidden.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await forbidden.Content.ReadAsStringAsync()).ShouldContain("viewer");
        using var command = await viewer.PostAsJsonAsync($"/api/devices/{controller.Id}/commands", new { channel = "fan1_cmd", value = true });
        command.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await server.GetJsonAsync<AlarmSnapshot>("/api/alarms")).Alarms.Single(a => a.Id == raised.Id).State.ShouldBe("Unacknowledged");

        // The operator acknowledges; the body's 'user' does not change who it is attributed to.
        using var ack = await server.Http.PostAsJsonAsync($"/api/alarms/{raised.Id}/ack", new { user = "somebody.else" });
        ack.StatusCode.ShouldBe(HttpStatusCode.OK);
        var acked = await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "Acknowledged", "the acknowledged state");
        acked.AcknowledgedBy.ShouldBe(LifelineServerHost.OperatorName);
        (await server.GetJsonAsync<AlarmSnapshot>("/api/alarms")).Alarms.Single(a => a.Id == raised.Id).AcknowledgedBy.ShouldBe(LifelineServerHost.OperatorName);
    }

    [Fact]
    public async Task CookieSignIn_ServesApiAndHub_SignOutAndNewPasswordEndTheSession()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };

        // Sign in: an HttpOnly, SameSite=Strict session cookie.
        using var login = await browser.PostAsJsonAsync("/api/auth/login", new { user = LifelineServerHost.OperatorName, password = server.OperatorPassword });
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var setCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AccountSchemes.CookieName + "=", StringComparison.Ordinal));
        setCookie.ShouldContain("httponly", Case.Insensitive);
        setCookie.ShouldContain("samesite=strict", Case.Insensitive);
        var me = await browser.GetFromJsonAsync<JsonElement>("/api/auth/me");
        me.GetProperty("name").GetString().ShouldBe(LifelineServerHost.OperatorName);
        me.GetProperty("role").GetString().ShouldBe("operator");
        me.GetProperty("authenticatedBy").GetString().ShouldBe("cookie");
        (await browser.GetAsync("/api/alarms")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The hub accepts the session cookie, as the browser sends it.
        var (hub, _) = await server.ConnectHubAsync(o => o.Cookies = cookies);
        hub.State.ShouldBe(HubConnectionState.Connected);
        await hub.DisposeAsync();

        // Sign out: the session is over.
        (await browser.PostAsync("/api/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // A new password (set elsewhere: here through the file, as the users command does) ends a session at once.
        (await browser.PostAsJsonAsync("/api/auth/login", new { user = LifelineServerHost.OperatorName, password = server.OperatorPassword })).EnsureSuccessStatusCode();
        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var store = new AccountStore(server.AccountsPath))
        {
            await store.SetPasswordAsync(LifelineServerHost.OperatorName, Passwords.Generate());
        }

        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task FailedSignIn_Is401_WithTheSameAnswerWhateverWasWrong()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var disabledPassword = Passwords.Generate();
        using (var store = new AccountStore(server.AccountsPath))
        {
            await store.AddUserAsync("retired", Role.Operator, disabledPassword);
            await store.SetDisabledAsync("retired", true);
        }

        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        var answers = new List<string>();
        foreach (var (user, password) in new[]
        {
            (LifelineServerHost.OperatorName, "wrong-password-1"), ("nobody", "wrong-password-1"), ("retired", disabledPassword),
            (LifelineServerHost.OperatorName, string.Empty),
        })
        {
            using var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { user, password });
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, user);
            response.Headers.Contains("Set-Cookie").ShouldBeFalse(user);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            answers.Add($"{problem.GetProperty("title").GetString()} | {problem.GetProperty("detail").GetString()}");
        }

        answers.Distinct().ShouldHaveSingleItem().ShouldBe("Sign-in failed | wrong user name or password");
    }

    [Fact]
    public async Task ApiToken_Authenticates_UntilExpiredRevokedOrItsUserDisabled()
    {
        // Arrange: an admin and an API client with a token.
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        using var admin = Client(server, await AddUserWithTokenAsync(server, "chen.admin", Role.Admin));
        var clientToken = await AddUserWithTokenAsync(server, "scada-bridge", Role.Operator);
        using var client = Client(server, clientToken);

        // Works, over REST and over the hub with the token in the query string (SignalR's documented way).
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        me.GetProperty("name").GetString().ShouldBe("scada-bridge");
        me.GetProperty("authenticatedBy").GetString().ShouldBe("token");
        var (hub, _) = await QueryTokenHubAsync(server, clientToken);
        hub.State.ShouldBe(HubConnectionState.Connected);
        await hub.DisposeAsync();

        // Expired: a token whose expiry has passed.
        string expired;
        using (var past = new AccountStore(server.AccountsPath, new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-2))))
        {
            expired = (await past.CreateTokenAsync("scada-bridge", "old", TimeProvider.System.GetUtcNow().AddDays(-1))).Secret;
        }

        using (var old = Client(server, expired))
        {
            using var response = await old.GetAsync("/api/alarms");
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
        }

        // Unknown.
        using (var forged = Client(server, AccountStore.TokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        {
            (await forged.GetAsync("/api/alarms")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        // Revoked by an admin: refused over REST and at the hub.
        var tokenId = me.GetProperty("tokenId").GetString();
        (await admin.DeleteAsync($"/api/users/scada-bridge/tokens/{tokenId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync("/api/alarms")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Should.ThrowAsync<Exception>(() => QueryTokenHubAsync(server, clientToken))).ShouldNotBeNull();

        // A disabled user's tokens stop working.
        using var issued = await admin.PostAsJsonAsync("/api/users/scada-bridge/tokens", new { name = "new" });
        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var fresh = Client(server, (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
        (await fresh.GetAsync("/api/alarms")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PutAsJsonAsync("/api/users/scada-bridge", new { disabled = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fresh.GetAsync("/api/alarms")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_ManagesUsersAndTokens_OthersAreForbidden()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        using var admin = Client(server, await AddUserWithTokenAsync(server, "chen.admin", Role.Admin));

        // Not for operators.
        (await server.Http.GetAsync("/api/users")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await server.Http.PostAsJsonAsync("/api/users", new { name = "x", role = "admin" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Create a viewer with a generated password (returned once); it signs in.
        using var created = await admin.PostAsJsonAsync("/api/users", new { name = "li.na", role = "viewer" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("user").GetProperty("role").GetString().ShouldBe("viewer");
        var password = body.GetProperty("password").GetString()!;
        password.Length.ShouldBeGreaterThanOrEqualTo(16);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        (await browser.PostAsJsonAsync("/api/auth/login", new { user = "LI.NA", password })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("name").GetString().ShouldBe("li.na");

        // Promote: the running session has the new role at once.
        (await admin.PutAsJsonAsync("/api/users/li.na", new { role = "operator" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("role").GetString().ShouldBe("operator");

        // Reset the password: the old one no longer signs in, the new one does.
        (await admin.PutAsJsonAsync("/api/users/li.na", new { password = "a-new-password-for-li" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.PostAsJsonAsync("/api/auth/login", new { user = "li.na", password })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await browser.PostAsJsonAsync("/api/auth/login", new { user = "li.na", password = "a-new-password-for-li" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A token for the user: shown once, listed without its secret.
        using var token = await admin.PostAsJsonAsync("/api/users/li.na/tokens", new { name = "grafana", expiresInDays = 30 });
        token.StatusCode.ShouldBe(HttpStatusCode.Created);
        var secret = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using (var grafana = Client(server, secret))
        {
            (await grafana.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("name").GetString().ShouldBe("li.na");
        }

        var listing = await admin.GetStringAsync("/api/users");
        listing.ShouldContain("grafana");
        listing.ShouldNotContain(secret);
        listing.ShouldNotContain(AccountStore.HashToken(secret));
        listing.ShouldNotContain("passwordHash", Case.Insensitive);

        // Refusals, as ProblemDetails.
        (await admin.PostAsJsonAsync("/api/users", new { name = "li.na", role = "viewer" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await admin.PostAsJsonAsync("/api/users", new { name = "zhou", role = "superuser" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsJsonAsync("/api/users", new { name = "zhou", role = "viewer", password = "short" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PutAsJsonAsync("/api/users/nobody", new { role = "viewer" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.PutAsJsonAsync("/api/users/chen.admin", new { disabled = true })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task FirstStart_CreatesAdminWithPasswordFile_ThatSignsIn_AndOnlyOnce()
    {
        var data = Directory.CreateTempSubdirectory("lifeline-firststart-").FullName;
        var passwordFile = Path.Combine(data, "secrets", "admin-password");
        try
        {
            string password;
            await using (var first = await LifelineServerHost.StartEmbeddedAsync(
                $"{LifelineServerHost.DataArgument}{data}", LifelineServerHost.NoUsersArgument, $"--Accounts:InitialAdminPasswordFile={passwordFile}"))
            {
                first.KeepData();
                password = (await File.ReadAllTextAsync(passwordFile)).Trim();
                password.Length.ShouldBeGreaterThanOrEqualTo(16);
                if (!OperatingSystem.IsWindows())
                {
                    File.GetUnixFileMode(passwordFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    File.GetUnixFileMode(first.AccountsPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                (await File.ReadAllTextAsync(first.AccountsPath)).ShouldNotContain(password);
                using var anonymous = new HttpClient { BaseAddress = first.BaseAddress };
                using var login = await anonymous.PostAsJsonAsync("/api/auth/login", new { user = "admin", password });
                login.StatusCode.ShouldBe(HttpStatusCode.OK);
                (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString().ShouldBe("admin");
            }

            // Second start on the same data: the admin exists, nothing is created or handed out again.
            File.Delete(passwordFile);
            await using (var second = await LifelineServerHost.StartEmbeddedAsync(
                $"{LifelineServerHost.DataArgument}{data}", LifelineServerHost.NoUsersArgument, $"--Accounts:InitialAdminPasswordFile={passwordFile}"))
            {
                second.KeepData();
                File.Exists(passwordFile).ShouldBeFalse();
                using var store = new AccountStore(second.AccountsPath);
                store.Users.ShouldHaveSingleItem().Name.ShouldBe("admin");
                using var anonymous = new HttpClient { BaseAddress = second.BaseAddress };
                (await anonymous.PostAsJsonAsync("/api/auth/login", new { user = "admin", password })).StatusCode.ShouldBe(HttpStatusCode.OK);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task FirstStart_WithoutPasswordFile_PrintsThePasswordOnce_AndLogsWithoutIt()
    {
        var dir = Directory.CreateTempSubdirectory("lifeline-firstprint-").FullName;
        try
        {
            using var store = new AccountStore(Path.Combine(dir, "users.json"));
            var console = new StringWriter();
            var log = new CapturingLogger();

            var password = await InitialAdmin.EnsureAsync(store, passwordFile: null, console, log);

            password.ShouldNotBeNull();
            password.Length.ShouldBeGreaterThanOrEqualTo(16);
            console.ToString().ShouldContain($"      {password}{Environment.NewLine}");
            console.ToString().ShouldContain(new string('=', 78));
            var entry = log.Entries.ShouldHaveSingleItem();
            entry.Level.ShouldBe(LogLevel.Warning);
            entry.Message.ShouldContain("printed once to the console");
            entry.Message.ShouldNotContain(password);
            (await store.AuthenticateAsync("admin", password)).ShouldNotBeNull().Role.ShouldBe(Role.Admin);

            // Not again.
            var again = new StringWriter();
            (await InitialAdmin.EnsureAsync(store, passwordFile: null, again, log)).ShouldBeNull();
            again.ToString().ShouldBeEmpty();
            log.Entries.Count.ShouldBe(1);
            store.Users.Count.ShouldBe(1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task UsersCommand_AddListSetRole_OnTheFileOfTheRunningServer()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        var file = $"--accounts={server.AccountsPath}";

        // add, with the password on standard input: the running server accepts it.
        var add = await UsersAsync("Yellow-River-42\n", "users", "add", "zhao.lei", "--role", "viewer", "--password-stdin", file);
        add.Exit.ShouldBe(0, add.Error);
        add.Output.ShouldContain("Added user 'zhao.lei' (viewer)");
        add.Output.ShouldNotContain("Yellow-River-42");
        (await SignInRoleAsync(anonymous, "zhao.lei", "Yellow-River-42")).ShouldBe("viewer");

        // set-role, then list.
        var setRole = await UsersAsync(string.Empty, "users", "set-role", "zhao.lei", "operator", file);
        setRole.Exit.ShouldBe(0, setRole.Error);
        (await SignInRoleAsync(anonymous, "zhao.lei", "Yellow-River-42")).ShouldBe("operator");
        var list = await UsersAsync(string.Empty, "users", "list", file);
        list.Exit.ShouldBe(0, list.Error);
        list.Output.ShouldContain(server.AccountsPath);
        list.Output.Split('\n').ShouldContain(l => l.StartsWith("zhao.lei ", StringComparison.Ordinal) && l.Contains(" operator "));
        list.Output.Split('\n').ShouldContain(l => l.StartsWith(LifelineServerHost.OperatorName + " ", StringComparison.Ordinal));

        // add without a password: one is generated and printed (last line); it signs in.
        var generated = await UsersAsync(string.Empty, "users", "add", "sun.li", "--role", "engineer", file);
        generated.Exit.ShouldBe(0, generated.Error);
        var password = generated.Output.Trim().Split('\n')[^1].Trim();
        password.Length.ShouldBeGreaterThanOrEqualTo(16);
        (await SignInRoleAsync(anonymous, "sun.li", password)).ShouldBe("engineer");

        // token: the last line is a working API token.
        var token = await UsersAsync(string.Empty, "users", "token", "sun.li", "--name", "ci", "--expires", "1d", file);
        token.Exit.ShouldBe(0, token.Error);
        using (var client = Client(server, token.Output.Trim().Split('\n')[^1].Trim()))
        {
            (await client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("name").GetString().ShouldBe("sun.li");
        }

        // Errors: 2 for invalid input, 1 for a refused change; a clear message, nothing changed.
        foreach (var (stdin, args, exit, message) in new (string, string[], int, string)[]
        {
            (string.Empty, ["users", "add", "x.y", "--role", "boss", file], 2, "'boss' is not a role"),
            ("short\n", ["users", "add", "x.y", "--role", "viewer", "--password-stdin", file], 2, "too short"),
            (string.Empty, ["users", "add", "x.y", "--role", "viewer", "--password-stdin", file], 2, "the password is empty"),
            (string.Empty, ["users", "add", "bad name", "--role", "viewer", file], 2, "is not a user name"),
            (string.Empty, ["users", "add", "x.y", file], 2, "--role"),
            (string.Empty, ["users", "set-role", "nobody", "viewer", file], 1, "no user 'nobody'"),
            (string.Empty, ["users", "set-role", "zhao.lei", "king", file], 2, "'king' is not a role"),
            ("another-password\n", ["users", "add", "ZHAO.LEI", "--role", "viewer", "--password-stdin", file], 1, "already exists"),
            (string.Empty, ["users", "set-password", "nobody", file], 1, "no user 'nobody'"),
            (string.Empty, ["users", "frobnicate", file], 2, "frobnicate"),
        })
        {
            var result = await UsersAsync(stdin, args);
            result.Exit.ShouldBe(exit, string.Join(' ', args) + ": " + result.Error);
            result.Error.ShouldContain(message, Case.Insensitive, string.Join(' ', args));
            result.Error.ShouldNotContain("   at ");
        }

        using var after = new AccountStore(server.AccountsPath);
        after.Users.Select(u => u.Name).ShouldBe([LifelineServerHost.OperatorName, "sun.li", "zhao.lei"], ignoreOrder: true);
    }

    [Fact]
    public async Task UsersCommand_FromTheServerBinary_ExitsWithoutStartingTheServer()
    {
        var data = Directory.CreateTempSubdirectory("lifeline-cli-").FullName;
        try
        {
            var server = typeof(LifelineApp).Assembly.Location;
            var add = await ProcessRunner.RunAsync("dotnet", server, "users", "add", "ops.one", "--role", "operator", $"--data={data}");
            add.ExitCode.ShouldBe(0, add.Output + add.Error);
            var list = await ProcessRunner.RunAsync("dotnet", server, "users", "list", $"--data={data}");
            list.ExitCode.ShouldBe(0, list.Output + list.Error);
            list.Output.ShouldContain("ops.one");
            list.Output.ShouldNotContain("Now listening");
            var bad = await ProcessRunner.RunAsync("dotnet", server, "users", "set-role", "ops.one", "overlord", $"--data={data}");
            bad.ExitCode.ShouldBe(2);
            bad.Error.ShouldContain("'overlord' is not a role");
            var unknown = await ProcessRunner.RunAsync("dotnet", server, "users", "disable", "ghost", $"--data={data}");
            unknown.ExitCode.ShouldBe(1);
            unknown.Error.ShouldContain("no user 'ghost'");
            File.Exists(Path.Combine(data, "users.json")).ShouldBeTrue();
            Directory.Exists(Path.Combine(data, "wal")).ShouldBeFalse("the server did not start");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> UsersAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await UsersCommand.RunAsync(args, new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<string?> SignInRoleAsync(HttpClient client, string user, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { user, password });
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString() : null;
    }

    /// <summary>Adds a user to the server's user file (as another process would) and returns a new API token of it.</summary>
    private static async Task<string> AddUserWithTokenAsync(LifelineServerHost server, string name, Role role)
    {
        using var store = new AccountStore(server.AccountsPath);
        await store.AddUserAsync(name, role, Passwords.GenerateFor(name));
        return (await store.CreateTokenAsync(name, "tests")).Secret;
    }

    private static HttpClient Client(LifelineServerHost server, string token)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A WebSocket hub connection that presents the token only as <c>?access_token=</c> in the URL.</summary>
    private static Task<(HubConnection Connection, System.Threading.Channels.ChannelReader<AlarmDto> Changes)> QueryTokenHubAsync(LifelineServerHost server, string token) =>
        server.ConnectHubAsync(
            o =>
            {
                o.SkipNegotiation = true;
                o.Transports = HttpTransportType.WebSockets;
            },
            $"/hubs/alarms?access_token={Uri.EscapeDataString(token)}");
}
