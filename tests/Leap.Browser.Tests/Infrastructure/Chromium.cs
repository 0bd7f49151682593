using Microsoft.Playwright;

namespace Leap.Browser.Tests.Infrastructure;

/// <summary>
/// One headless Debian Chromium for the whole test run (each test gets a fresh browser context: its own
/// cookies, storage and tabs). Playwright's own browser download is never used: <c>.ci/run</c> installs the
/// distribution's <c>chromium</c> package, which matches the Playwright driver's Chromium major version.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException(
        $"No Chromium at {ExecutablePath}. Install Debian's package (apt-get install -y chromium), as .ci/run does; " +
        "never 'playwright install'.");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }
        // Two cores are shared by the browser, the servers and the other test projects: be patient with assertions.
        Assertions.SetDefaultExpectTimeout(15_000);
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }
        playwright?.Dispose();
    }
}
