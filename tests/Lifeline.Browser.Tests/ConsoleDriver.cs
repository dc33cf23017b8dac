using System.Net.Http.Headers;
using System.Text.Json;
using Lifeline.Integration.Tests;
using Lifeline.Testing;
using Microsoft.Playwright;

namespace Lifeline.Browser.Tests;

/// <summary>What the browser tests do with the console and the server: start the server with the console's files, sign in
/// through the login page, and poll the REST API until the server has reached a state.</summary>
internal static class ConsoleDriver
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The server's project folder, so wwwroot (with the bundle built into wwwroot/lib) is served.</summary>
    public static string ContentRoot => Path.Combine(RepositoryPaths.Root, "src", "Lifeline.Server");

    public static Task<LifelineServerHost> StartServerAsync(params string[] extra) =>
        LifelineServerHost.StartEmbeddedAsync([$"--contentRoot={ContentRoot}", .. extra]);

    /// <summary>Signs in as the test operator on the login page and waits until the console is live and drawn.</summary>
    public static Task SignInAsync(IPage page, string password) => SignInAsync(page, LifelineServerHost.OperatorName, password);

    /// <summary>Signs in as <paramref name="user"/> on the login page and waits until the console is live and drawn.</summary>
    public static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/login.html");
        await page.FillAsync("#login-user", user);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "up");
        await Assertions.Expect(page.Locator("button.zone").First).ToBeVisibleAsync();
    }

    /// <summary>An HTTP client with the operator's API token (tokens are in the user file, so they survive a restart).</summary>
    public static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Polls <c>GET /api/alarms</c> until an alarm matches; returns it.</summary>
    public static async Task<JsonElement> WaitForAlarmAsync(HttpClient http, Func<JsonElement, bool> match, string what)
    {
        using var cts = new CancellationTokenSource(Deadline);
        while (true)
        {
            var snapshot = await GetAsync(http, "/api/alarms", cts.Token);
            foreach (var alarm in snapshot.GetProperty("alarms").EnumerateArray())
            {
                if (match(alarm))
                {
                    return alarm.Clone();
                }
            }

            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the server never had {what} within {Deadline.TotalSeconds} s; alarms: {snapshot}");
            }
        }
    }

    public static async Task<JsonElement> GetAsync(HttpClient http, string path, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.Clone();
    }

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString() ?? string.Empty;

    /// <summary>The alarm row of the console's list.</summary>
    public static ILocator AlarmRow(IPage page, string alarmId) => page.Locator($"tr.alarm[data-alarm-id='{alarmId}']");
}
