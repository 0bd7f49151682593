using Leap.Server.Http;

namespace Leap.Server.Resources;

/// <summary>Turns a create or update body into a resource: a create requires name, type and location_id; a PATCH changes the fields sent.</summary>
public static class ResourceValidation
{
    public static Resource Blank(string id, DateTimeOffset now) => new()
    {
        Id = id, Name = "", Type = ResourceTypes.Room, LocationId = "", IsActive = true, CreatedAt = now, UpdatedAt = now,
    };

    public static Resource Apply(BodyReader r, Resource current, bool creating, DateTimeOffset now)
    {
        var resource = current with
        {
            Name = creating || r.Has("name") ? r.String("name", 200, required: true) ?? current.Name : current.Name,
            Type = creating || r.Has("type") ? r.Enum("type", ResourceTypes.All, required: true) ?? current.Type : current.Type,
            LocationId = creating || r.Has("location_id") ? r.Id("location_id", Ids.Location, required: true) ?? current.LocationId : current.LocationId,
            IsActive = r.Has("is_active") ? r.Bool("is_active", required: true) ?? current.IsActive : current.IsActive,
            UpdatedAt = now,
        };
        if (creating && !resource.IsActive)
        {
            r.Fail("is_active", "a new resource is active: create it, then deactivate it");
        }
        return resource;
    }

    /// <summary>
    /// A template's <c>required_resource_types</c>: each type once, answered in a fixed order; <c>null</c> or <c>[]</c> means none.
    /// </summary>
    public static IReadOnlyList<string> RequiredTypes(BodyReader r, IReadOnlyList<string> current)
    {
        const string field = "required_resource_types";
        var sent = r.StringList(field, current, maxItems: ResourceTypes.All.Count, maxLength: 20);
        if (sent.FirstOrDefault(t => !ResourceTypes.All.Contains(t)) is { } unknown)
        {
            r.Fail(field, $"'{unknown}' is not a resource type: use {string.Join(" or ", ResourceTypes.All)}");
            return current;
        }
        if (sent.Distinct().Count() != sent.Count)
        {
            r.Fail(field, "must name each resource type once");
            return current;
        }
        var ordered = ResourceTypes.All.Where(sent.Contains).ToList();
        return ordered.SequenceEqual(current) ? current : ordered;
    }
}
