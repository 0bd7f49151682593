using System.Text;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Resilience;

/// <summary>
/// Bodies over the 1 MiB limit, sent by a raw socket client as a careless uploader would: all of it, at once,
/// without waiting. The server refuses them on sight, but must let the upload finish (reading and discarding it)
/// so that the client reads the 413 instead of a connection reset; a client that sends <c>Expect: 100-continue</c>
/// hears the 413 without uploading anything.
/// </summary>
public abstract class OversizedBodyTests(LeapFixture server)
{
    public static TheoryData<double> Sizes => [1.5, 5, 20];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task A_body_sent_in_full_is_answered_413_in_the_envelope_not_reset(double mebibytes)
    {
        var body = Body(mebibytes);
        await ExpectRefusedAsync(async (connection, t) =>
        {
            // Any reset while uploading surfaces here as a SocketException.
            await connection.SendAsync(Head(t, $"Content-Length: {body.Length}"));
            await connection.SendAsync(body);
        });
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task A_chunked_body_is_answered_413_in_the_envelope_not_reset(double mebibytes)
    {
        var body = Body(mebibytes);
        await ExpectRefusedAsync(async (connection, t) =>
        {
            await connection.SendAsync(Head(t, "Transfer-Encoding: chunked"));
            const int chunk = 64 * 1024;
            for (var offset = 0; offset < body.Length; offset += chunk)
            {
                var piece = body.AsMemory(offset, Math.Min(chunk, body.Length - offset));
                await connection.SendAsync(Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"));
                await connection.SendAsync(piece);
                await connection.SendAsync("\r\n"u8.ToArray());
            }
            await connection.SendAsync("0\r\n\r\n"u8.ToArray());
        });
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task With_Expect_100_continue_the_413_comes_before_any_of_the_body(double mebibytes)
    {
        // Not a byte of the body is sent: the first answer must be the final 413 (no "100 Continue" invitation).
        await ExpectRefusedAsync((connection, t) =>
            connection.SendAsync(Head(t, $"Content-Length: {(int)(mebibytes * 1024 * 1024)}", "Expect: 100-continue")));
    }

    /// <summary>Sends a request on a new connection, expects the 413, then checks a new connection is still served.</summary>
    private async Task ExpectRefusedAsync(Func<RawHttp.RawConnection, TestTenant, Task> send)
    {
        var t = await server.NewTenantAsync();
        using (var connection = await RawHttp.RawConnection.OpenAsync(server.BaseUrl))
        {
            await send(connection, t);
            ExpectPayloadTooLarge(await connection.ReadResponseAsync());
        }
        (await t.Api.GetAsync("patients")).Expect(200);
    }

    private static void ExpectPayloadTooLarge(RawResponse response)
    {
        Assert.Equal(413, response.Status);
        Assert.Null(response.EnvelopeProblem());
        Assert.Equal("PAYLOAD_TOO_LARGE", response.ErrorCode);
        Assert.Equal("close", response.Header("Connection"));
    }

    private static byte[] Head(TestTenant t, params string[] framing) => RawHttp.Head(
        ["POST /api/v1/patients HTTP/1.1", "Host: leap.test", $"Authorization: Bearer {t.Api.Key}", "Content-Type: application/json",
         $"Idempotency-Key: {Guid.NewGuid()}", .. framing]);

    /// <summary>A JSON object with one huge string: valid, only too large.</summary>
    private static byte[] Body(double mebibytes)
    {
        var length = (int)(mebibytes * 1024 * 1024);
        var body = new byte[length];
        body.AsSpan().Fill((byte)'a');
        "{\"first_name\": \""u8.CopyTo(body);
        "\"}"u8.CopyTo(body.AsSpan(length - 2));
        return body;
    }
}

public sealed class OversizedBodyTestsOnSqlite(SqliteServer server) : OversizedBodyTests(server);
public sealed class OversizedBodyTestsOnPostgres(PostgresServer server) : OversizedBodyTests(server);
