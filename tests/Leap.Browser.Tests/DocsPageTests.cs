using Leap.Browser.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leap.Browser.Tests;

/// <summary>
/// The interactive API docs (/docs) in Chromium: they document this server's API and offer nothing of the docs
/// vendor's hosted products (AI chat, SDK generation, deployment), which have no place beside health records.
/// The engine does not matter, so SQLite only.
/// </summary>
public sealed class DocsPageTests(SqliteServer server, Chromium chromium)
{
    private readonly Screenshots shots = new();

    [Fact]
    public async Task The_docs_show_the_API_without_hosted_product_buttons()
    {
        await using var context = await chromium.Browser.NewContextAsync(new() { Locale = "en-GB", ViewportSize = new() { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.BaseUrl + "/", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                lock (elsewhere)
                {
                    elsewhere.Add(request.Url);
                }
            }
        };
        await page.GotoAsync(server.BaseUrl + "/docs");

        // The reference has rendered: the title and an operation of the API are on the page.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Leap API" }).First).ToBeVisibleAsync();
        await Expect(page.Locator("body")).ToContainTextAsync("/api/v1/patients/{id}");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // The reference is thousands of pixels long: the first screen is what a visitor sees.
        await page.ScreenshotAsync(new() { Path = Path.Combine(shots.Folder, "01-docs.png") });

        var text = await page.Locator("body").InnerTextAsync();
        foreach (var hosted in new[] { "Ask AI", "Generate SDK", "Deploy" })
        {
            Assert.DoesNotContain(hosted, text, StringComparison.OrdinalIgnoreCase);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = hosted })).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = hosted })).ToHaveCountAsync(0);
        }
        lock (elsewhere)
        {
            Assert.True(elsewhere.Count == 0, "The docs page called other origins: " + string.Join(", ", elsewhere));
        }
    }
}
