namespace Leap.Client.Tests;

/// <summary>Known vectors computed independently (openssl dgst -sha256 -hmac, and Python's hmac).</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH";
    private const string Body = """{"id":"evt_0192b8c4-2f6e-7d3a-9c1b-5a4e3f2d1c0b","type":"appointment.created","created_at":"2030-01-07T09:00:00Z","data":{"object":{"id":"apt_1"},"previous":null}}""";
    private const string Signature = "96c6868a7de31ea404debc6ab895f20e43d50fa1527d76a7dfa329cc9173b9b6";
    private static readonly DateTimeOffset SentAt = DateTimeOffset.FromUnixTimeSeconds(1893920400);
    private static readonly string Header = $"t=1893920400,v1={Signature}";

    [Fact]
    public void Known_vectors_verify_and_sign_to_the_same_header()
    {
        WebhookSignature.Verify(Secret, Body, Header, SentAt);
        WebhookSignature.Verify("whsec_k", "", "t=1700000000,v1=7708b5f4b4a539add7a7f2027635ccbbc7dccabf9c5412b49d9442488f3fc5f2",
            DateTimeOffset.FromUnixTimeSeconds(1700000000));
        // Secret and body are UTF-8, byte for byte.
        WebhookSignature.Verify("whsec_ünïcode", """{"name":"Zoë"}""", "t=1893920400,v1=e8935c95779c24e4c4bd390c720a870185c3923e89b0e17a1122dc73cd5bb158", SentAt);
        Assert.Equal(Header, WebhookSignature.Sign(Secret, Body, SentAt));
        Assert.True(WebhookSignature.IsValid(Secret, Body, Header, SentAt));
    }

    [Fact]
    public void The_byte_overload_verifies_the_raw_body()
    {
        WebhookSignature.Verify(Secret, System.Text.Encoding.UTF8.GetBytes(Body), Header, SentAt);
        Assert.Throws<WebhookSignatureException>(() => WebhookSignature.Verify(Secret, System.Text.Encoding.UTF8.GetBytes(Body + "\n"), Header, SentAt));
    }

    [Theory]
    [InlineData(299, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    [InlineData(-300, true)]
    [InlineData(-301, false)]
    public void Timestamps_are_accepted_within_five_minutes_either_way(int secondsLater, bool valid) =>
        Assert.Equal(valid, WebhookSignature.IsValid(Secret, Body, Header, SentAt.AddSeconds(secondsLater)));

    [Fact]
    public void The_tolerance_can_be_set()
    {
        Assert.False(WebhookSignature.IsValid(Secret, Body, Header, SentAt.AddSeconds(31), TimeSpan.FromSeconds(30)));
        Assert.True(WebhookSignature.IsValid(Secret, Body, Header, SentAt.AddHours(1), TimeSpan.FromHours(2)));
        var old = Assert.Throws<WebhookSignatureException>(() => WebhookSignature.Verify(Secret, Body, Header, SentAt.AddMinutes(10)));
        Assert.Contains("600 seconds behind", old.Message);
    }

    [Theory]
    [InlineData("whsec_other", Body)]
    [InlineData(Secret, Body + " ")]
    [InlineData("whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8F", Body)]
    public void Another_secret_or_a_changed_body_does_not_verify(string secret, string body)
    {
        var e = Assert.Throws<WebhookSignatureException>(() => WebhookSignature.Verify(secret, body, Header, SentAt));
        Assert.Contains("No signature matches", e.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=" + Signature)]
    [InlineData("t=1893920400")]
    [InlineData("t=1893920400,v1=not-hex")]
    [InlineData("t=1893920400,v1=96c6868a")]
    [InlineData("t=-1893920400,v1=" + Signature)]
    [InlineData("t=1893920400,v0=" + Signature)]
    [InlineData("1893920400," + Signature)]
    public void Missing_or_malformed_headers_are_refused(string? header)
    {
        Assert.Throws<WebhookSignatureException>(() => WebhookSignature.Verify(Secret, Body, header, SentAt));
        Assert.False(WebhookSignature.IsValid(Secret, Body, header, SentAt));
    }

    [Fact]
    public void Any_of_several_v1_signatures_may_match_during_a_secret_rotation()
    {
        var rotating = $"t=1893920400, v1={new string('0', 64)}, v1={Signature.ToUpperInvariant()}";
        Assert.True(WebhookSignature.IsValid(Secret, Body, rotating, SentAt));
        Assert.False(WebhookSignature.IsValid(Secret, Body, $"t=1893920400,v1={new string('0', 64)}", SentAt));
    }

    [Fact]
    public void A_signature_replayed_with_a_fresh_timestamp_does_not_verify()
    {
        var replayed = $"t=1893920460,v1={Signature}";
        Assert.False(WebhookSignature.IsValid(Secret, Body, replayed, SentAt.AddSeconds(60)));
    }
}
