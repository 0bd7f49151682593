using Notify.Client;
using Twilio.Clients;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Leap.Server.Notifications;

/// <summary>Sends a text message through the provider the settings name (<c>Notifications:Sms:Provider</c>); off by default.</summary>
public interface ISmsSender
{
    /// <summary>Sends <paramref name="text"/> to <paramref name="phone"/>; answers the provider's message id.</summary>
    Task<string> SendAsync(string phone, string text, string reference, CancellationToken ct);

    /// <summary>The provider's sender, or null when SMS is off.</summary>
    public static ISmsSender? Create(SmsOptions options) => options.Provider switch
    {
        SmsOptions.GovukNotify => new GovukNotifySmsSender(options),
        SmsOptions.Twilio => new TwilioSmsSender(options),
        _ => null,
    };
}

/// <summary>
/// GOV.UK Notify, through its .NET client. Notify sends only through templates made in its own admin site, so the
/// settings name one whose whole body is <c>((body))</c>, and Leap's rendered text is passed as that field.
/// </summary>
public sealed class GovukNotifySmsSender(SmsOptions options) : ISmsSender
{
    private const string DefaultBaseUrl = "https://api.notifications.service.gov.uk";

    private readonly NotificationClient client = new(options.BaseUrl ?? DefaultBaseUrl, options.GovukNotifyApiKey!);

    public async Task<string> SendAsync(string phone, string text, string reference, CancellationToken ct)
    {
        var response = await client.SendSmsAsync(phone, options.GovukNotifyTemplateId!, new Dictionary<string, dynamic> { ["body"] = text }, reference);
        return response.id;
    }
}

/// <summary>Twilio, through its .NET client (Programmable Messaging).</summary>
public sealed class TwilioSmsSender(SmsOptions options) : ISmsSender
{
    private readonly TwilioRestClient client = new(options.TwilioAccountSid!, options.TwilioAuthToken!,
        httpClient: new SystemNetHttpClient(new System.Net.Http.HttpClient(new Rebase(options.BaseUrl)) { Timeout = TimeSpan.FromSeconds(30) }));

    public async Task<string> SendAsync(string phone, string text, string reference, CancellationToken ct)
    {
        var message = await MessageResource.CreateAsync(to: new PhoneNumber(phone), from: new PhoneNumber(options.TwilioFrom!), body: text, client: client);
        return message.Sid;
    }

    /// <summary>Sends the client's requests to <c>Notifications:Sms:BaseUrl</c> when set (a stand-in for Twilio's API in tests).</summary>
    private sealed class Rebase(string? baseUrl) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (baseUrl is not null && request.RequestUri is { } uri)
            {
                request.RequestUri = new Uri(new Uri(baseUrl), uri.PathAndQuery);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
