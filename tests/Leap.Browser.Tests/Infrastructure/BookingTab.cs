using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leap.Browser.Tests.Infrastructure;

/// <summary>
/// One browser tab on the booking page (or the staff app, <see cref="Watch"/>): what a front-desk user looks at and
/// does, a numbered screenshot per step, and a record of every request the page made and every console error it logged.
/// </summary>
public sealed class BookingTab
{
    private readonly Screenshots shots;
    private readonly string prefix;
    private readonly List<string> requests = [];
    private readonly List<string> consoleErrors = [];

    private BookingTab(IPage page, Screenshots shots, string prefix)
    {
        Page = page;
        this.shots = shots;
        this.prefix = prefix;
        page.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request.Url);
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (consoleErrors)
            {
                consoleErrors.Add(error);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>
    /// Opens the page in a new tab; <paramref name="fragment"/> is the part after '#', such as the demo link's <c>key=…</c>;
    /// <paramref name="path"/> another address of the page (a clinic's <c>/book/{slug}</c>, a manage link's <c>/manage/{token}</c>).
    /// </summary>
    public static async Task<BookingTab> OpenAsync(IBrowserContext context, string baseUrl, Screenshots shots, string? fragment = null, string prefix = "",
        string path = "/book")
    {
        var tab = new BookingTab(await context.NewPageAsync(), shots, prefix);
        await tab.Page.GotoAsync(baseUrl + path + (fragment is null ? "" : "#" + fragment));
        return tab;
    }

    /// <summary>Watches a tab that is already open (the staff app's, signed in).</summary>
    public static BookingTab Watch(IPage page, Screenshots shots) => new(page, shots, "");

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    public IReadOnlyList<string> ConsoleErrors
    {
        get
        {
            lock (consoleErrors)
            {
                return [.. consoleErrors];
            }
        }
    }

    public ILocator Heading => Page.Locator(".step:not([hidden]) h2");
    public ILocator Alert => Page.Locator("#alert");
    public ILocator Slots => Page.Locator("#days .day[open] .slot");
    public ILocator Choice(string name) => Page.Locator($"#choices [data-choice=\"{name}\"]");
    public ILocator Booked(string field) => Page.Locator($"#booked dd[data-field=\"{field}\"]");
    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
    /// <summary>The visible field with this label (the page's steps for staff and for patients have fields of the same names).</summary>
    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true }).Filter(new() { Visible = true });

    public Task<string?> StoredKeyAsync() => Page.EvaluateAsync<string?>("() => sessionStorage.getItem('leap.booking.apiKey')");

    public Task ShotAsync(string step) => shots.TakeAsync(Page, prefix + step);

    /// <summary>The visible step is <paramref name="title"/> and its heading has the focus (the page moves it there).</summary>
    public async Task ExpectStepAsync(string title)
    {
        await Expect(Heading).ToHaveTextAsync(title);
        await Expect(Heading).ToBeFocusedAsync();
    }

    public async Task EnterKeyAsync(string key)
    {
        await Field("API key").FillAsync(key);
        await Button("Use this key").ClickAsync();
    }

    public async Task ChooseServiceAsync(string name)
    {
        await Page.GetByRole(AriaRole.Radio, new() { Name = name }).CheckAsync();
        await Button("Show free times").ClickAsync();
        await ExpectStepAsync("Choose a free time");
        await Expect(Slots.First).ToBeVisibleAsync();
    }

    /// <summary>Clicks the first free time of the first day that has one; returns its time ("HH:mm") as shown.</summary>
    public async Task<string> ChooseFirstSlotAsync()
    {
        var time = await Slots.First.Locator(".slot-time").InnerTextAsync();
        await Slots.First.ClickAsync();
        return time;
    }

    public async Task ChooseExistingPatientAsync(string search, string name)
    {
        await Field("Search patients").FillAsync(search);
        await Button("Search").ClickAsync();
        await Page.Locator(".match", new() { HasText = name }).ClickAsync();
    }

    /// <summary>Presses Tab until <paramref name="target"/> has the focus (failing after a sensible number of presses).</summary>
    public Task TabToAsync(ILocator target, int maxPresses = 30) => PageChecks.TabToAsync(Page, target, maxPresses);

    /// <summary>axe-core's WCAG 2.1 A/AA rules on the page as it is now: no violations.</summary>
    public Task ExpectAccessibleAsync() => PageChecks.ExpectAccessibleAsync(Page);

    /// <summary>Nothing the page loaded or called left this server (no CDN, no fonts, no analytics).</summary>
    public void ExpectOnlyRequestsTo(string baseUrl)
    {
        var elsewhere = Requests.Where(url => !url.StartsWith(baseUrl + "/", StringComparison.Ordinal)).ToList();
        Assert.True(elsewhere.Count == 0, "Requests to other origins: " + string.Join(", ", elsewhere));
        Assert.DoesNotContain(ConsoleErrors, e => !IsExpectedHttpError(e));
    }

    /// <summary>Chromium logs every 4xx a fetch receives; the page's refusals (401, 409, 422) are expected answers.</summary>
    private static bool IsExpectedHttpError(string message) =>
        message.StartsWith("Failed to load resource: the server responded with a status of 4", StringComparison.Ordinal);
}

/// <summary>Numbered full-page screenshots under <c>TestResults/screenshots/&lt;class&gt;/&lt;test&gt;/</c> in the test output.</summary>
public sealed class Screenshots
{
    private int count;

    public Screenshots()
    {
        var test = TestContext.Current;
        var className = test.TestClass?.TestClassName.Split('.').Last() ?? "Unknown";
        Folder = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots", className, test.TestMethod?.MethodName ?? "Unknown");
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public Task TakeAsync(IPage page, string step) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Folder, $"{Interlocked.Increment(ref count):00}-{step}.png"), FullPage = true });
}
