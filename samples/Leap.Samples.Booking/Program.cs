using System.Globalization;
using Leap.Client;
using Leap.Samples.Booking;

// The booking flow of Jump's "Creating Appointments" guide, with the Leap SDK. Against the demo server:
//   dotnet run --project src/Leap.Server -- --demo          (prints a pk_test_ key)
//   LEAP_API_KEY=pk_test_... dotnet run --project samples/Leap.Samples.Booking
// Options (or environment): --base-url (LEAP_BASE_URL, default http://127.0.0.1:5080/api/v1), --api-key
// (LEAP_API_KEY), --first-name, --last-name, --date-of-birth, --email, --template, --from (YYYY-MM-DD).

const string Usage = "Usage: Leap.Samples.Booking [--base-url URL] --api-key KEY [--first-name NAME] [--last-name NAME] " +
                     "[--date-of-birth YYYY-MM-DD] [--email ADDRESS] [--template NAME] [--from YYYY-MM-DD]";

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }
    options[args[i][2..]] = args[++i];
}
string? Option(string name, string? environment = null) =>
    options.GetValueOrDefault(name) ?? (environment is null ? null : Environment.GetEnvironmentVariable(environment));

var apiKey = Option("api-key", "LEAP_API_KEY");
if (string.IsNullOrEmpty(apiKey))
{
    Console.Error.WriteLine("Give an API key with --api-key or LEAP_API_KEY (the demo server prints one).");
    Console.Error.WriteLine(Usage);
    return 2;
}
DateOnly? Date(string name)
{
    var text = Option(name);
    if (text is null)
    {
        return null;
    }
    return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        ? date
        : throw new ArgumentException($"--{name} must be a date in the form YYYY-MM-DD, not '{text}'.");
}

var baseUrl = Option("base-url", "LEAP_BASE_URL") ?? "http://127.0.0.1:5080/api/v1";
BookingRequest request;
try
{
    request = new BookingRequest
    {
        Patient = new PatientCreate
        {
            FirstName = Option("first-name") ?? "Sam",
            LastName = Option("last-name") ?? "Samplebooker",
            DateOfBirth = Date("date-of-birth") ?? new DateOnly(1990, 4, 1),
            Email = Option("email") ?? "sam.samplebooker@example.com",
        },
        Template = Option("template"),
        From = Date("from") ?? DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
{
    Console.Error.WriteLine($"The base URL must be an http(s) URL such as http://127.0.0.1:5080/api/v1, not '{baseUrl}'.");
    return 2;
}

using var leap = new LeapClient(new LeapClientOptions { BaseUrl = baseUri, ApiKey = apiKey });
try
{
    await new BookingFlow(leap, Console.Out).RunAsync(request);
    return 0;
}
catch (LeapApiException e)
{
    Console.Error.WriteLine($"The API refused: {e.Status} {e.Code}: {e.Message} (request {e.RequestId})");
    foreach (var detail in e.Details)
    {
        Console.Error.WriteLine($"  {detail.Field}: {detail.Message}");
    }
    return 1;
}
catch (LeapConnectionException e)
{
    Console.Error.WriteLine($"Could not reach {leap.Options.BaseUrl}: {e.Message}");
    return 1;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
