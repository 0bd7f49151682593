namespace Leap.Client;

/// <summary>A room or a piece of equipment at one location, booked with the clinician.</summary>
public sealed record Resource
{
    /// <summary>The resource's id (<c>res_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>Name, e.g. Treatment room 1.</summary>
    public string Name { get; init; } = "";
    /// <summary>room or equipment; see <see cref="ResourceType"/>.</summary>
    public string Type { get; init; } = "";
    /// <summary>The location it belongs to.</summary>
    public string LocationId { get; init; } = "";
    /// <summary>Whether new bookings may take it (a deactivated resource keeps the bookings it has).</summary>
    public bool IsActive { get; init; }
    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Values of <see cref="Resource.Type"/> and of a template's required resource types.</summary>
public static class ResourceType
{
    /// <summary>A room.</summary>
    public const string Room = "room";
    /// <summary>A piece of equipment.</summary>
    public const string Equipment = "equipment";
}

/// <summary>A new resource (<see cref="ResourcesClient.CreateAsync"/>).</summary>
public sealed record ResourceCreate
{
    /// <summary>Name (required).</summary>
    public required string Name { get; init; }
    /// <summary>room or equipment (required); see <see cref="ResourceType"/>.</summary>
    public required string Type { get; init; }
    /// <summary>The location (required, active).</summary>
    public required string LocationId { get; init; }
}

/// <summary>Changes to a resource: only the properties you set are sent.</summary>
public sealed class ResourceUpdate : PatchBody
{
    /// <summary>Name (may not be cleared).</summary>
    public string? Name { get => Get<string>(); init => Set(value); }
    /// <summary>room or equipment (refused while future appointments take the resource).</summary>
    public string? Type { get => Get<string>(); init => Set(value); }
    /// <summary>The location (refused while future appointments take the resource).</summary>
    public string? LocationId { get => Get<string>(); init => Set(value); }
    /// <summary>false: no longer picked for new bookings; true reactivates.</summary>
    public bool? IsActive { get => Get<bool?>(); init => Set(value); }
}

/// <summary>Filters for <see cref="ResourcesClient.ListAsync"/>; unset filters are not sent. Results are ordered by creation.</summary>
public sealed record ResourceListQuery : ListQuery
{
    /// <summary>room or equipment.</summary>
    public string? Type { get; init; }
    /// <summary>Only the resources of this location.</summary>
    public string? LocationId { get; init; }
    /// <summary>Only active (true) or inactive (false) resources.</summary>
    public bool? IsActive { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("type", Type);
        query.Add("location_id", LocationId);
        query.Add("is_active", IsActive);
    }
}
