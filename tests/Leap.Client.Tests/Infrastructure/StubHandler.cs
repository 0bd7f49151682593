using System.Net;
using System.Text;

namespace Leap.Client.Tests.Infrastructure;

/// <summary>
/// Answers every request with a canned response, for what no Leap server can produce: other servers' error
/// formats, and endpoints written from the contract before the server has them.
/// </summary>
public sealed class StubHandler(int status, string body, string contentType = "application/json") : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    public static LeapClient Client(StubHandler stub) =>
        new(new HttpClient(stub), new LeapClientOptions { BaseUrl = new Uri("https://api.example.com/api/v1"), ApiKey = "pk_test_stub", MaxRetries = 0 });

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return Task.FromResult(new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
            RequestMessage = request,
        });
    }
}
