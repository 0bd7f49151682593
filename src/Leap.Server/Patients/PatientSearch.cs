using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Leap.Server.Patients;

/// <summary>
/// Free-text patient search. Each patient keeps a lower-case <c>search_text</c> (names, email, phone digits in
/// international and national form, NHS number, date of birth) behind a trigram index; a query is split into
/// terms that must all appear as substrings, so "sarah johnson", "johnson", "07700 900123", "943 476 5919"
/// and "15/03/1985" all find the same patient.
/// </summary>
public static partial class PatientSearch
{
    public const int MaxTerms = 8;

    public static string BuildText(Patient p)
    {
        var text = new StringBuilder();
        foreach (var part in new[] { p.FirstName, p.MiddleName, p.LastName, p.PreferredName, p.Email, p.NhsNumber })
        {
            if (!string.IsNullOrEmpty(part))
            {
                text.Append(part).Append(' ');
            }
        }
        foreach (var phone in new[] { p.Phone, p.MobilePhone, p.HomePhone })
        {
            foreach (var form in PhoneForms(phone))
            {
                text.Append(form).Append(' ');
            }
        }
        text.Append(p.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return text.ToString().ToLowerInvariant();
    }

    /// <summary>The terms of a query, normalized the way <see cref="BuildText"/> stores text.</summary>
    public static IReadOnlyList<string> Terms(string query)
    {
        var terms = new List<string>();
        foreach (var raw in query.ToLowerInvariant().Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var term = raw;
            if (UkDate().Match(term) is { Success: true } date)
            {
                term = $"{date.Groups[3].Value}-{date.Groups[2].Value}-{date.Groups[1].Value}";
            }
            else if (PhoneLike().IsMatch(term) && term.Any(char.IsAsciiDigit) && !IsoDate().IsMatch(term))
            {
                term = new string(term.Where(char.IsAsciiDigit).ToArray());
            }
            if (term.Length > 0 && !terms.Contains(term))
            {
                terms.Add(term);
            }
        }
        return terms.Take(MaxTerms).ToList();
    }

    private static IEnumerable<string> PhoneForms(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            yield break;
        }
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        yield return digits;
        if (digits.StartsWith("44", StringComparison.Ordinal))
        {
            yield return "0" + digits[2..];
        }
        else if (digits.StartsWith('0'))
        {
            yield return "44" + digits[1..];
        }
    }

    [GeneratedRegex(@"^(\d{2})/(\d{2})/(\d{4})$")]
    private static partial Regex UkDate();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"^[0-9+()\-.]+$")]
    private static partial Regex PhoneLike();
}
