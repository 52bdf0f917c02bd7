using System.Text.Json;
using System.Text.Json.Serialization;

namespace CounterQueue.Domain.Calendar;

/// <summary>Opening and closing time of one day; <see cref="Closes"/> may be 24:00.</summary>
[JsonConverter(typeof(DailyHoursJsonConverter))]
public sealed record DailyHours(TimeSpan Opens, TimeSpan Closes)
{
    public static DailyHours Parse(string opens, string closes)
    {
        var hours = new DailyHours(TimeOfDay.Parse(opens), TimeOfDay.Parse(closes));
        if (hours.Closes <= hours.Opens) throw new FormatException($"Closing time {closes} must be after opening time {opens}.");
        return hours;
    }
}

/// <summary>Saturday openings, e.g. the 2nd and 4th Saturday of the month (第2・第4土曜日開庁).</summary>
public sealed record SaturdayHours
{
    public required DailyHours Hours { get; init; }
    /// <summary>Which Saturdays of the month (1-5) open; empty means every Saturday.</summary>
    public IReadOnlyList<int> WeeksOfMonth { get; init; } = [];
}

/// <summary>When an office is open.</summary>
public sealed record OfficeSchedule
{
    /// <summary>Monday to Friday.</summary>
    public DailyHours? Weekdays { get; init; }
    public SaturdayHours? Saturdays { get; init; }
    public DailyHours? Sundays { get; init; }
    /// <summary>Closed on national holidays (祝日).</summary>
    public bool ClosedOnHolidays { get; init; } = true;
    /// <summary>Closed from 12/29 to 1/3 (年末年始).</summary>
    public bool YearEndClosure { get; init; } = true;
    /// <summary>Further closed days (e.g. a move weekend).</summary>
    public IReadOnlyList<DateOnly> ClosedDates { get; init; } = [];

    /// <summary>The hours on a local date, or null when the office does not open that day.</summary>
    public DailyHours? HoursOn(DateOnly date)
    {
        if (YearEndClosure && (date is { Month: 12, Day: >= 29 } || date is { Month: 1, Day: <= 3 })) return null;
        if (ClosedDates.Contains(date)) return null;
        if (ClosedOnHolidays && JapaneseHolidays.IsHoliday(date)) return null;
        return date.DayOfWeek switch
        {
            DayOfWeek.Sunday => Sundays,
            DayOfWeek.Saturday when Saturdays is { } sat
                && (sat.WeeksOfMonth.Count == 0 || sat.WeeksOfMonth.Contains((date.Day - 1) / 7 + 1)) => sat.Hours,
            DayOfWeek.Saturday => null,
            _ => Weekdays,
        };
    }

    public bool IsOpen(DateTimeOffset now)
    {
        var local = Tokyo.ToLocal(now);
        var hours = HoursOn(DateOnly.FromDateTime(local.DateTime));
        return hours is not null && local.TimeOfDay >= hours.Opens && local.TimeOfDay < hours.Closes;
    }

    /// <summary>The next instant at or after <paramref name="now"/> when the office is open, within a year.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset now)
    {
        if (IsOpen(now)) return now;
        var local = Tokyo.ToLocal(now);
        var date = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i <= 366; i++)
        {
            var day = date.AddDays(i);
            if (HoursOn(day) is not { } hours) continue;
            var opens = Tokyo.At(day, hours.Opens);
            if (opens >= now) return opens;
        }
        return null;
    }
}

internal sealed class DailyHoursJsonConverter : JsonConverter<DailyHours>
{
    public override DailyHours Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Hours must be an object { opens, closes }.");
        string? opens = null, closes = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException("Hours must be an object { opens, closes }.");
            var name = reader.GetString();
            reader.Read();
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("Times are strings like \"08:30\".");
            if (string.Equals(name, "opens", StringComparison.OrdinalIgnoreCase)) opens = value;
            else if (string.Equals(name, "closes", StringComparison.OrdinalIgnoreCase)) closes = value;
        }
        if (opens is null || closes is null) throw new JsonException("Hours need both opens and closes.");
        try
        {
            return DailyHours.Parse(opens, closes);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, DailyHours value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("opens", TimeOfDay.Format(value.Opens));
        writer.WriteString("closes", TimeOfDay.Format(value.Closes));
        writer.WriteEndObject();
    }
}
