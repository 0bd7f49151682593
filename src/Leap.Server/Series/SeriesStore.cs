using Leap.Server.Storage;

namespace Leap.Server.Series;

public static class SeriesStore
{
    private const string Columns =
        """
        id, patient_id, clinician_profile_id, appointment_type_id, location_id, title, time_zone, frequency, repeat_interval,
        occurrence_count, until_date, by_weekday, start_time, end_time, created_at, updated_at
        """;

    /// <summary>A series as stored: its rule in columns (<c>by_weekday</c> comma-separated).</summary>
    private sealed record Row
    {
        public required string Id { get; init; }
        public required string PatientId { get; init; }
        public string? ClinicianProfileId { get; init; }
        public string? AppointmentTypeId { get; init; }
        public required string LocationId { get; init; }
        public required string Title { get; init; }
        public required string TimeZone { get; init; }
        public required string Frequency { get; init; }
        public int RepeatInterval { get; init; }
        public int? OccurrenceCount { get; init; }
        public DateOnly? UntilDate { get; init; }
        public string? ByWeekday { get; init; }
        public DateTimeOffset StartTime { get; init; }
        public DateTimeOffset EndTime { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public AppointmentSeries ToSeries() => new()
        {
            Id = Id, PatientId = PatientId, ClinicianProfileId = ClinicianProfileId, AppointmentTypeId = AppointmentTypeId,
            LocationId = LocationId, Title = Title, TimeZone = TimeZone,
            Recurrence = new Recurrence
            {
                Frequency = Frequency, Interval = RepeatInterval, Count = OccurrenceCount, Until = UntilDate, ByWeekday = ByWeekday?.Split(','),
            },
            StartTime = StartTime, EndTime = EndTime, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
        };

        public static Row Of(AppointmentSeries s) => new()
        {
            Id = s.Id, PatientId = s.PatientId, ClinicianProfileId = s.ClinicianProfileId, AppointmentTypeId = s.AppointmentTypeId,
            LocationId = s.LocationId, Title = s.Title, TimeZone = s.TimeZone, Frequency = s.Recurrence.Frequency,
            RepeatInterval = s.Recurrence.Interval, OccurrenceCount = s.Recurrence.Count, UntilDate = s.Recurrence.Until,
            ByWeekday = s.Recurrence.ByWeekday is { } days ? string.Join(',', days) : null,
            StartTime = s.StartTime, EndTime = s.EndTime, CreatedAt = s.CreatedAt, UpdatedAt = s.UpdatedAt,
        };
    }

    /// <summary>A series without its occurrences; inside a write, locked until the transaction ends.</summary>
    public static async Task<AppointmentSeries?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        (await db.SingleAsync<Row>($"SELECT {Columns} FROM appointment_series WHERE id = @id AND {TenantSql.Filter}{db.RowLock()}", new { id }, ct))?.ToSeries();

    public static Task InsertAsync(TenantDb db, AppointmentSeries series, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            INSERT INTO appointment_series ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @PatientId, @ClinicianProfileId, @AppointmentTypeId, @LocationId, @Title, @TimeZone, @Frequency,
                    @RepeatInterval, @OccurrenceCount, @UntilDate, @ByWeekday, @StartTime, @EndTime, @CreatedAt, @UpdatedAt)
            """,
            Row.Of(series), ct);

    /// <summary>Marks a change of the series' occurrences made through it (a cancellation of some or all).</summary>
    public static Task TouchAsync(TenantDb db, string id, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteBatchedAsync($"UPDATE appointment_series SET updated_at = @now WHERE id = @id AND {TenantSql.Filter}", new { id, now }, ct);
}
