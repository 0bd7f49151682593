using System.Diagnostics;
using System.Text.Json;

namespace Leap.Server.Tests.Guide;

/// <summary>
/// Runs the JavaScript of Jump's "Creating Appointments" guide (Guide/creating-appointments.js, unchanged)
/// under Node against a running Leap server. Only the two things the guide leaves to the reader are set:
/// API_BASE (our host, on Jump's own path) and API_KEY. The scenario calls the guide's functions and
/// prints a JSON result for the test to check.
/// </summary>
public static class GuideRunner
{
    private const string PublishedBase = "const API_BASE = 'https://app.usejump.co.uk/functions/v1/api-v1';";

    public static async Task<JsonElement> RunAsync(string baseUrl, string apiKey, string scenario, TimeSpan? timeout = null)
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Guide", "creating-appointments.js"));
        Assert.Contains(PublishedBase, guide);
        var script = string.Join('\n',
            $"const API_KEY = {JsonSerializer.Serialize(apiKey)};",
            guide.Replace(PublishedBase, $"const API_BASE = {JsonSerializer.Serialize(baseUrl + "/functions/v1/api-v1")};", StringComparison.Ordinal),
            "(async () => {",
            scenario,
            "})().catch(error => { console.error(error && error.stack || error); process.exit(1); });");
        var path = Path.Combine(Path.GetTempPath(), $"leap-guide-{Guid.NewGuid():N}.js");
        await File.WriteAllTextAsync(path, script);
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("Could not start node.");
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            await node.WaitForExitAsync(cancel.Token);
            Assert.True(node.ExitCode == 0, $"node exited with {node.ExitCode}: {await errors}");
            return JsonDocument.Parse(await output).RootElement;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Node.js is needed for the guide tests (apt-get install nodejs).", e);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
