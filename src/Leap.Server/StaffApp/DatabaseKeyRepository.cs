using System.Xml.Linq;
using Leap.Server.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Leap.Server.StaffApp;

/// <summary>
/// Keeps the Data Protection key ring (what antiforgery tokens are protected with) in the database, so every server
/// process on it accepts the tokens of the others, and a restart keeps them. The interface is synchronous; the ring is
/// read when first used and then about once a day, so blocking on those few reads costs nothing that matters.
/// </summary>
public sealed class DatabaseKeyRepository(Database database, TimeProvider clock) : IXmlRepository
{
    private readonly CrossTenantDb db = database.CrossTenant("data protection");

    public IReadOnlyCollection<XElement> GetAllElements() =>
        db.ListAsync<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, name").GetAwaiter().GetResult()
            .Select(XElement.Parse).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        db.WriteAsync(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@friendlyName, @xml, @now) ON CONFLICT (name) DO NOTHING",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = TypeHandlers.Truncate(clock.GetUtcNow()) })
            .GetAwaiter().GetResult();

    /// <summary>Antiforgery (and with it Data Protection) for the staff app, its keys in the database.</summary>
    public static void AddStaffAntiforgery(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("leap");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(options =>
            options.XmlRepository = new DatabaseKeyRepository(sp.GetRequiredService<Database>(), sp.GetRequiredService<TimeProvider>())));
        services.AddAntiforgery(options =>
        {
            options.HeaderName = StaffSessions.AntiforgeryHeader;
            options.Cookie.Name = StaffSessions.AntiforgeryCookie;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.HttpOnly = true;
        });
    }
}
