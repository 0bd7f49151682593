using Leap.Browser.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leap.Browser.Tests;

/// <summary>
/// The staff sign-in at /app in a real Chromium, at phone width and by keyboard alone: what a member of staff sees
/// when they sign in, get locked out, and sign out. Screenshots land in TestResults/screenshots in the test output.
/// </summary>
public abstract class SignInPageTests(LeapFixture server, Chromium chromium)
{
    private const string Password = "correct horse battery";
    private const int PhoneWidth = 390;
    private readonly Screenshots shots = new();

    private async Task<(string BaseUrl, string Email)> UserAsync()
    {
        var t = await server.NewTenantAsync();
        var email = $"desk.{Guid.NewGuid():N}@clinic.example";
        (await t.Api.PostAsync("users", new { email, name = "Robin Reception", role = "reception", password = Password })).Expect(201);
        return (server.BaseUrl, email);
    }

    private async Task<IPage> PhoneAsync()
    {
        var context = await chromium.Browser.NewContextAsync(new() { Locale = "en-GB", ViewportSize = new() { Width = PhoneWidth, Height = 844 } });
        return await context.NewPageAsync();
    }

    private static async Task ExpectNoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= PhoneWidth, "The page scrolls sideways at phone width.");

    [Fact]
    public async Task Signs_in_and_out_by_keyboard_alone_at_phone_width()
    {
        var (baseUrl, email) = await UserAsync();
        var page = await PhoneAsync();

        await page.GotoAsync(baseUrl + "/app");
        await Expect(page).ToHaveURLAsync(baseUrl + "/app/sign-in");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Leap" })).ToBeVisibleAsync();
        await PageChecks.ExpectAccessibleAsync(page);
        await ExpectNoSidewaysScrollAsync(page);
        await shots.TakeAsync(page, "sign-in");

        await PageChecks.TabToAsync(page, page.GetByLabel("Email"));
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(Password);
        await page.Keyboard.PressAsync("Enter");

        await Expect(page).ToHaveURLAsync(baseUrl + "/app");
        await Expect(page.Locator("main")).ToContainTextAsync("Signed in as Robin Reception");
        await PageChecks.ExpectAccessibleAsync(page);
        await ExpectNoSidewaysScrollAsync(page);
        await shots.TakeAsync(page, "signed-in");

        await PageChecks.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(baseUrl + "/app/sign-in");
        await page.GotoAsync(baseUrl + "/app");
        await Expect(page).ToHaveURLAsync(baseUrl + "/app/sign-in");
        await shots.TakeAsync(page, "signed-out");
    }

    [Fact]
    public async Task Five_wrong_passwords_show_the_lockout_message_and_the_right_one_no_longer_works()
    {
        var (baseUrl, email) = await UserAsync();
        var page = await PhoneAsync();
        await page.GotoAsync(baseUrl + "/app/sign-in");

        for (var i = 1; i <= 5; i++)
        {
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync("wrong password " + i);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            // The answer is a new page, whose password field is empty again.
            await Expect(page.GetByLabel("Password")).ToHaveValueAsync("");
            if (i == 1)
            {
                await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The email or password is not right.");
                await Expect(page.GetByLabel("Email")).ToHaveValueAsync(email);
                await PageChecks.ExpectAccessibleAsync(page);
                await shots.TakeAsync(page, "wrong-password");
            }
        }
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Too many failed attempts: this account is locked for 15 minutes.");

        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("this account is locked");
        await Expect(page).ToHaveURLAsync(baseUrl + "/app/sign-in");
        await PageChecks.ExpectAccessibleAsync(page);
        await ExpectNoSidewaysScrollAsync(page);
        await shots.TakeAsync(page, "locked");
    }
}

public sealed class SignInPageOnSqlite(SqliteServer server, Chromium chromium) : SignInPageTests(server, chromium);

public sealed class SignInPageOnPostgres(PostgresServer server, Chromium chromium) : SignInPageTests(server, chromium);
