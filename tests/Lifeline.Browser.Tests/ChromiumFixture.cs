using Lifeline.Testing;
using Microsoft.Playwright;

namespace Lifeline.Browser.Tests;

/// <summary>
/// Debian's Chromium (<see cref="ExecutablePath"/>) driven by Playwright, headless, one browser for the whole test run;
/// each test gets its own context (cookies, storage). Playwright never downloads a browser here. Without Chromium the
/// tests are skipped on a developer machine and fail under <c>CI=true</c>, where tests/run.sh installs it.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>A control-room wall screen.</summary>
    public static readonly ViewportSize WallScreen = new() { Width = 1920, Height = 1080 };

    /// <summary>A phone held upright.</summary>
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Why the browser is not available (null when it is).</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Where screenshots are saved, with the test results.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "test-results", "screenshots");

    public async ValueTask InitializeAsync()
    {
        var onCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!File.Exists(ExecutablePath))
        {
            var reason = $"Chromium is not installed (expected {ExecutablePath}): apt-get install chromium";
            if (onCi)
            {
                throw new InvalidOperationException(reason);
            }

            Unavailable = reason;
            return;
        }

        // The machines these run on are shared and slow at times: expectations poll up to 20 s (Playwright's default is 5 s).
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>A new page in a fresh context (no cookies, empty storage) of the given size.</summary>
    public async Task<IPage> NewPageAsync(ViewportSize viewport, Uri baseAddress)
    {
        if (Unavailable is not null)
        {
            Assert.Skip(Unavailable);
        }

        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = viewport,
            BaseURL = baseAddress.ToString(),
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return page;
    }

    /// <summary>Saves a full-page screenshot as artifacts/test-results/screenshots/{name}.png.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        ArgumentNullException.ThrowIfNull(page);
        var path = Path.Combine(ScreenshotDirectory, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "browser";
}
