using System.Buffers;
using System.Text.Json;
using Leap.Server.Appointments;
using Leap.Server.Http;

namespace Leap.Server.Holds;

public static class HoldValidation
{
    /// <summary>What the hold decides: a confirm body may not restate or change it.</summary>
    public static readonly string[] SetByHold =
    [
        "start_time", "end_time", "appointment_type_id", "appointment_template_id", "clinician_profile_id", "clinician_id",
        "location_id", "allow_overlap",
    ];

    /// <summary>
    /// The appointment a confirm books: the body is read exactly as an appointment create body (patient_id,
    /// title, description, status, attendee and remote fields...), with the time, template, clinician and location
    /// taken from the hold, and the title defaulting to the template's name. Problems are recorded on the
    /// returned reader, under the client's field names.
    /// </summary>
    public static (Appointment Appointment, BodyReader Reader) Appointment(JsonElement body, Hold hold, string templateName, string id, DateTimeOffset now)
    {
        var reader = new BodyReader(Merge(body, hold, templateName));
        var appointment = AppointmentValidation.Apply(reader, AppointmentValidation.Blank(id, AppointmentsApi.BookingSource, now), creating: true, now);
        foreach (var field in SetByHold.Where(field => body.TryGetProperty(field, out _)))
        {
            reader.Fail(field, "is set by the hold and cannot be given when confirming it");
        }
        return (appointment, reader);
    }

    /// <summary>A confirm's body as documented: an appointment create body without what the hold sets, and the title optional.</summary>
    public static BodyShape DescribeConfirm() =>
        BodyShape.Of(r => AppointmentValidation.Apply(r, AppointmentValidation.Blank(Sample.Id(Ids.Appointment), AppointmentsApi.BookingSource, Sample.Now),
            creating: true, Sample.Now)).Adjusted(SetByHold, ["title"]);

    private static JsonElement Merge(JsonElement body, Hold hold, string templateName)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            foreach (var property in body.EnumerateObject().Where(p => !SetByHold.Contains(p.Name)))
            {
                property.WriteTo(writer);
            }
            if (!body.TryGetProperty("title", out _))
            {
                writer.WriteString("title", templateName);
            }
            writer.WriteString("start_time", hold.StartTime);
            writer.WriteString("end_time", hold.EndTime);
            writer.WriteString("appointment_type_id", hold.AppointmentTemplateId);
            writer.WriteString("clinician_profile_id", hold.ClinicianProfileId);
            if (hold.LocationId is not null)
            {
                writer.WriteString("location_id", hold.LocationId);
            }
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(output.WrittenMemory).RootElement;
    }
}
