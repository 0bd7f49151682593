namespace Leap.Server.Patients;

/// <summary>NHS numbers: 10 digits, the last a modulus 11 check digit over the first nine.</summary>
public static class NhsNumbers
{
    public static bool IsValid(string digits)
    {
        if (digits.Length != 10 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }
        var check = CheckDigit(digits.AsSpan(0, 9));
        return check is not null && check == digits[9] - '0';
    }

    /// <summary>The check digit for nine digits, or null when none exists (remainder gives 10).</summary>
    public static int? CheckDigit(ReadOnlySpan<char> nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nineDigits[i] - '0') * (10 - i);
        }
        var check = 11 - sum % 11;
        return check switch
        {
            11 => 0,
            10 => null,
            _ => check,
        };
    }
}
