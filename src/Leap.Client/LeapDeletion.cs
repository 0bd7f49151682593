namespace Leap.Client;

/// <summary>The answer to a DELETE that removes a record: <c>{"data": {"id": "…", "deleted": true}}</c>.</summary>
public sealed record LeapDeletion
{
    /// <summary>The id of the deleted record.</summary>
    public string Id { get; init; } = "";

    /// <summary>True: the record is gone.</summary>
    public bool Deleted { get; init; }

    /// <summary>A forced removal of working time: the future appointments it left outside the clinician's sessions (still booked).</summary>
    public IReadOnlyList<string> StrandedAppointmentIds { get; init; } = [];
}
