using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Leap.Browser.Tests.Infrastructure;

/// <summary>Checks any page of the server gets: accessibility by axe-core, and reaching a control by keyboard alone.</summary>
public static class PageChecks
{
    /// <summary>axe-core's WCAG 2.1 A/AA rules on the page as it is now: no violations.</summary>
    public static async Task ExpectAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        Assert.True(result.Violations.Length == 0, "Accessibility violations: " + string.Join("; ",
            result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    /// <summary>
    /// Presses Tab (or <paramref name="key"/>, such as Shift+Tab to go back) until <paramref name="target"/> has the focus
    /// (failing after a sensible number of presses).
    /// </summary>
    public static async Task TabToAsync(IPage page, ILocator target, int maxPresses = 30, string key = "Tab")
    {
        for (var i = 0; i < maxPresses; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return;
            }
            await page.Keyboard.PressAsync(key);
        }
        Assert.Fail($"{maxPresses} presses of {key} never reached {target}.");
    }
}
