using System.Globalization;
using Dapper;

namespace Leap.Server.Storage;

/// <summary>
/// A statement's parameters built up in code (an object's properties, then more by name), for statements whose
/// parameters are not one fixed object: list filters, <c>IN (...)</c> lists.
/// </summary>
public sealed class SqlArgs(object? template = null) : DynamicParameters(template)
{
    /// <summary>
    /// <c>IN (...)</c> lists with one named parameter per value: adds <c>@{name}0</c>, <c>@{name}1</c>... and returns
    /// <c>(@{name}0, @{name}1, ...)</c>. Dapper's own <c>IN @list</c> expansion rewrites the command text after
    /// binding, which the SQLite statement cache (<see cref="StatementCachingConnection"/>) does not follow.
    /// </summary>
    public string In(string name, IEnumerable<string> values)
    {
        var placeholders = new List<string>();
        foreach (var value in values)
        {
            var placeholder = name + placeholders.Count.ToString(CultureInfo.InvariantCulture);
            Add(placeholder, value);
            placeholders.Add("@" + placeholder);
        }
        return "(" + string.Join(", ", placeholders) + ")";
    }

    /// <summary>
    /// <c>CASE {column} WHEN @{name}0 THEN 0 ... END</c> over the parameters <see cref="In"/> added: a row's position
    /// in the list as a small integer, cheaper to read than the matching string.
    /// </summary>
    public static string IndexOf(string column, string name, int count) =>
        $"CASE {column} " + string.Concat(Enumerable.Range(0, count).Select(i => $"WHEN @{name}{i} THEN {i} ")) + "END";
}
