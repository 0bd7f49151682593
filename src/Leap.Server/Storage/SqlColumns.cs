namespace Leap.Server.Storage;

/// <summary>
/// The parameter lists of INSERT and UPDATE statements written from a record's column list: the column
/// <c>address_line_1</c> binds the property <c>AddressLine1</c>.
/// </summary>
public static class SqlColumns
{
    /// <summary><c>@Id, @Name, ...</c>: one parameter per column, for <c>VALUES (...)</c>.</summary>
    public static string Values(string columns) => "@" + string.Join(", @", Names(columns).Select(Property));

    /// <summary><c>name = @Name, ...</c> for every column but <c>id</c> and <c>created_at</c>, which an update never changes.</summary>
    public static string Assignments(string columns) =>
        string.Join(", ", Names(columns).Where(c => c is not ("id" or "created_at")).Select(c => $"{c} = @{Property(c)}"));

    private static IEnumerable<string> Names(string columns) => columns.Split(',', StringSplitOptions.TrimEntries);

    private static string Property(string column) =>
        string.Concat(column.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
