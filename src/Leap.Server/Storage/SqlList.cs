using System.Globalization;
using Dapper;

namespace Leap.Server.Storage;

/// <summary>
/// <c>IN (...)</c> lists with one named parameter per value. Dapper's own <c>IN @list</c> expansion rewrites the
/// command text after binding, which the SQLite statement cache (<see cref="StatementCachingConnection"/>) does
/// not follow, so lists are spelled out here instead.
/// </summary>
public static class SqlList
{
    /// <summary>Adds <c>@{name}0</c>, <c>@{name}1</c>... to <paramref name="parameters"/> and returns <c>(@{name}0, @{name}1, ...)</c>.</summary>
    public static string In(DynamicParameters parameters, string name, IEnumerable<string> values)
    {
        var placeholders = new List<string>();
        foreach (var value in values)
        {
            var placeholder = name + placeholders.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(placeholder, value);
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
