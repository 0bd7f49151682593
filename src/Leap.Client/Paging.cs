using System.Globalization;
using System.Text;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>One page of a list: offset paging with no total count, as the API returns it.</summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed record LeapPage<T>
{
    /// <summary>The records on this page.</summary>
    public IReadOnlyList<T> Data { get; init; } = [];

    /// <summary>The page size the server used.</summary>
    public int Limit { get; init; }

    /// <summary>The offset of the next page, or null on the last page.</summary>
    public int? NextOffset { get; init; }

    /// <summary>True when at least one more page exists.</summary>
    public bool HasMore { get; init; }

    /// <summary>The request id of the call that returned this page.</summary>
    public string? RequestId { get; init; }
}

/// <summary>
/// Paging shared by every list query. Leave <see cref="Limit"/> unset for the server's default (20); the
/// <c>ListAllAsync</c> methods follow <c>next_offset</c> for you.
/// </summary>
public abstract record ListQuery
{
    /// <summary>Page size, 1 to 100.</summary>
    public int? Limit { get; init; }

    /// <summary>How many records to skip.</summary>
    public int? Offset { get; init; }

    /// <summary>Adds the query's filters (not the paging) to the query string.</summary>
    private protected abstract void AddFilters(QueryString query);

    internal string ToQueryString()
    {
        var query = new QueryString();
        AddFilters(query);
        query.Add("limit", Limit);
        query.Add("offset", Offset);
        return query.ToString();
    }
}

/// <summary>Builds <c>?a=1&amp;b=2</c>, leaving out unset values and writing each type as the API reads it.</summary>
internal sealed class QueryString
{
    private readonly StringBuilder text = new();

    public void Add(string name, string? value)
    {
        if (value is null)
        {
            return;
        }
        text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
    }

    public void Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public void Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

    public void Add(string name, DateOnly? value) => Add(name, value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    public void Add(string name, DateTimeOffset? value) => Add(name, value is { } instant ? UtcTimestampConverter.Format(instant) : null);

    /// <summary>A set filter (<c>status_in=a,b</c>); an empty set is left out.</summary>
    public void Add(string name, IEnumerable<string>? values) =>
        Add(name, values?.ToList() is { Count: > 0 } list ? string.Join(',', list) : null);

    public override string ToString() => text.ToString();
}

/// <summary>A list that takes no filters (a record's own short lists: its notification history, message templates).</summary>
internal sealed record NoFilters : ListQuery
{
    private protected override void AddFilters(QueryString query)
    {
    }
}
