using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Leap.Server.Storage;

/// <summary>
/// How values cross into SQL. SQLite has no date types, so instants are stored as fixed-width ISO 8601 UTC
/// text (millisecond precision, so text order is time order) and dates as YYYY-MM-DD; PostgreSQL uses
/// timestamptz and date. Both engines go through the same handlers, which look at the parameter's type.
/// </summary>
public static class TypeHandlers
{
    public const string SqliteTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(Instant);
        SqlMapper.RemoveTypeMap(typeof(DateOnly));
        SqlMapper.RemoveTypeMap(typeof(DateOnly?));
        SqlMapper.AddTypeHandler(new DateHandler());
    }

    /// <summary>Stores <typeparamref name="T"/> as JSON text (both engines) for structured fields no query looks inside.</summary>
    public static void AddJson<T>(JsonTypeInfo<T> typeInfo) => SqlMapper.AddTypeHandler(new JsonHandler<T>(typeInfo));

    /// <summary>Instants are kept to the millisecond everywhere, so what is stored is what is returned.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    public static string ToSqliteText(DateTimeOffset value) =>
        value.UtcDateTime.ToString(SqliteTimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an instant column without Dapper, for hot paths that read thousands of rows: SQLite text in the
    /// stored fixed-width form is parsed directly, anything else goes through the usual handler.
    /// </summary>
    public static DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string) ? ParseInstant(reader.GetString(ordinal)) : Instant.Parse(reader.GetValue(ordinal));

    /// <summary>SQLite's stored form ("2026-03-02T09:30:00.000Z") read digit by digit; other text by the general parser.</summary>
    private static DateTimeOffset ParseInstant(string text)
    {
        var s = text.AsSpan();
        if (s.Length != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23] != 'Z'
            || !int.TryParse(s[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(s[5..7], NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(s[8..10], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(s[11..13], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(s[14..16], NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            || !int.TryParse(s[17..19], NumberStyles.None, CultureInfo.InvariantCulture, out var second)
            || !int.TryParse(s[20..23], NumberStyles.None, CultureInfo.InvariantCulture, out var millisecond))
        {
            return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        }
        return new DateTimeOffset(year, month, day, hour, minute, second, millisecond, TimeSpan.Zero);
    }

    private static readonly InstantHandler Instant = new();

    private sealed class InstantHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = ToSqliteText(value);
            }
            else
            {
                parameter.DbType = DbType.DateTime;
                parameter.Value = value.UtcDateTime;
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            string text => ParseInstant(text),
            DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
            DateTimeOffset instant => instant.ToUniversalTime(),
            _ => throw new InvalidCastException($"Cannot read {value.GetType()} as an instant."),
        };
    }

    private sealed class DateHandler : SqlMapper.TypeHandler<DateOnly>
    {
        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            if (parameter is SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            else
            {
                parameter.DbType = DbType.Date;
                parameter.Value = value;
            }
        }

        public override DateOnly Parse(object value) => value switch
        {
            string text => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime dateTime => DateOnly.FromDateTime(dateTime),
            DateOnly date => date,
            _ => throw new InvalidCastException($"Cannot read {value.GetType()} as a date."),
        };
    }

    private sealed class JsonHandler<T>(JsonTypeInfo<T> typeInfo) : SqlMapper.TypeHandler<T>
    {
        public override void SetValue(IDbDataParameter parameter, T? value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, typeInfo);
        }

        public override T? Parse(object value) => JsonSerializer.Deserialize((string)value, typeInfo);
    }
}
