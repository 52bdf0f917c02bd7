using System.Text.RegularExpressions;
using CounterQueue.Domain;
using CounterQueue.Domain.Bookings;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Bookings;
using CounterQueue.Silo.Offices;
using CounterQueue.Web.Infrastructure;
using CounterQueue.Web.Tickets;
using CounterQueue.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Quartz;
using CounterQueue.Web.Security;

namespace CounterQueue.Web.Bookings;

/// <summary>
/// Window booking (予約): a bookable service's slots for a day, booking a place, reading and cancelling it with the
/// booking's id. One grain per service and day holds the places, so booking never contends across services or days.
/// </summary>
public static partial class BookingApi
{
    public static WebApplication MapBookingApi(this WebApplication app)
    {
        var bookings = app.MapGroup("/api").WithTags("Bookings");
        bookings.MapGet("/offices/{officeId}/services/{serviceId}/slots", SlotsAsync);
        bookings.MapPost("/bookings", BookAsync).WithMetadata(new RateLimited(RateLimitCategory.Booking));
        bookings.MapGet("/bookings/{bookingId}", GetAsync);
        bookings.MapDelete("/bookings/{bookingId}", CancelAsync).WithMetadata(new RateLimited(RateLimitCategory.Booking));
        bookings.MapGet("/bookings/{bookingId}/calendar", CalendarAsync);
        bookings.MapPost("/bookings/{bookingId}/check-in", CheckInAsync).WithMetadata(new RateLimited(RateLimitCategory.Booking));
        bookings.MapPost("/offices/{officeId}/bookings/check-in", CheckInByCodeAsync).WithMetadata(new RateLimited(RateLimitCategory.Booking));
        bookings.MapGet("/offices/{officeId}/bookings/by-code/{code}", ByCodeAsync);
        bookings.MapGet("/offices/{officeId}/services/{serviceId}/booking", BookingInfoAsync);

        var staff = app.MapGroup("/api").WithTags("Bookings").RequireAuthorization(IdentityApi.StaffPolicy);
        staff.MapGet("/offices/{officeId}/services/{serviceId}/bookings", DayListAsync);
        staff.MapGet("/offices/{officeId}/sections/{sectionId}/appointments", AppointmentsAsync);

        var admin = app.MapGroup("/api/admin/offices").WithTags("Administration").RequireAuthorization(IdentityApi.AdminPolicy);
        admin.MapPut("/{officeId}/services/{serviceId}/booking", SetPolicyAsync);
        admin.MapDelete("/{officeId}/services/{serviceId}/booking", StopBookingAsync);
        return app;
    }

    /// <summary>Contact purge (個人情報の削除) as a nightly job, and the service that runs it.</summary>
    public static WebApplicationBuilder AddBookings(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ContactPurge>();
        builder.Services.AddQuartz(quartz => quartz.ScheduleJob<ContactPurgeJob>(
            trigger => trigger.WithIdentity("contact-purge-nightly", "bookings")
                .WithCronSchedule("0 15 3 * * ?", cron => cron.InTimeZone(Tokyo.Zone)),
            job => job.WithIdentity(ContactPurgeJob.Key)));
        return builder;
    }

    /// <summary>The slots of a bookable service on a day (today when no date is given), with the places left.</summary>
    private static async Task<Ok<IReadOnlyList<SlotAvailability>>> SlotsAsync(string officeId, string serviceId, string? date, string? sectionId,
        OfficeCatalog catalog, IGrainFactory grains, TimeProvider time)
    {
        var (office, service) = await BookableAsync(catalog, officeId, serviceId);
        var day = Validate.Date(date, "date") ?? Tokyo.DateOf(time.GetUtcNow());
        RequireBookableDay(day, time);
        return TypedResults.Ok(await Day(grains, office.Id, serviceId, day).SlotsAsync(ValidSection(service, sectionId)));
    }

    /// <summary>A consultation's topic: one of its ward sections, or null when none is given.</summary>
    private static string? ValidSection(ServiceDefinition service, string? sectionId)
    {
        if (string.IsNullOrEmpty(sectionId)) return null;
        if (service.Booking?.Consultation is not { } consultation)
            throw Validate.Invalid("'sectionId' is only for a branch consultation.");
        if (!consultation.SectionIds.Contains(sectionId))
            throw Validate.Invalid($"'sectionId' must be one of: {string.Join(", ", consultation.SectionIds)}.");
        return sectionId;
    }

    /// <summary>Books a place in a slot. Send an Idempotency-Key so a retried request never books two places.</summary>
    private static async Task<IResult> BookAsync(BookingRequest request, HttpContext context, OfficeCatalog catalog,
        IGrainFactory grains, TimeProvider time, Idempotency idempotency)
    {
        var officeId = Validate.Required(request.OfficeId, "officeId", 40);
        var serviceId = Validate.Required(request.ServiceId, "serviceId", 40);
        var start = request.Start ?? throw Validate.Invalid("'start' is required: the start of a slot, e.g. 2026-12-01T10:00:00+09:00.");
        var (office, service) = await BookableAsync(catalog, officeId, serviceId);
        var day = Tokyo.DateOf(start);
        RequireBookableDay(day, time);
        var contact = ValidContact(request.Contact);
        var language = Validate.Language(request.Language);
        var sectionId = ValidSection(service, request.SectionId);
        if (service.Booking?.Consultation is { } consultation && sectionId is null)
            throw Validate.Invalid($"'sectionId' is required for a consultation: one of {string.Join(", ", consultation.SectionIds)}.");
        var key = new BookingDayKey(office.Id, serviceId, day);
        return await idempotency.RunAsync(context, $"bookings:{office.Id}", $"{serviceId}|{start:O}|{language}|{sectionId}",
            BookingId.New(key),
            async bookingId =>
            {
                var booking = await grains.GetGrain<IBookingDayGrain>(key.ToGrainKey()).BookAsync(new BookCommand(bookingId, start, contact, language, sectionId));
                return (booking, $"/api/bookings/{booking.BookingId}");
            });
    }

    private static async Task<Ok<BookingView>> GetAsync(string bookingId, OfficeCatalog catalog, IGrainFactory grains) =>
        TypedResults.Ok(await (await DayOfAsync(bookingId, catalog, grains)).GetAsync(bookingId) ?? throw NotFound());

    /// <summary>Cancels a booking; its place is free again at once.</summary>
    private static async Task<NoContent> CancelAsync(string bookingId, OfficeCatalog catalog, IGrainFactory grains)
    {
        await (await DayOfAsync(bookingId, catalog, grains)).CancelAsync(bookingId);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Check-in at the kiosk (受付): the booking becomes a ticket served from its slot start (up to 15 minutes late), or
    /// an ordinary walk-in ticket from now if later; <c>outcome</c> says which ("early", "on-time", "walk-in").
    /// </summary>
    private static async Task<Created<CheckInResult>> CheckInAsync(string bookingId, OfficeCatalog catalog, IGrainFactory grains)
    {
        var result = await (await DayOfAsync(bookingId, catalog, grains)).CheckInAsync(bookingId);
        return TypedResults.Created($"/api/tickets/{result.Ticket.TicketId}", result);
    }

    /// <summary>
    /// Check-in at the kiosk by the confirmation code the visitor types or shows as a QR code (spaces, hyphens and
    /// lower case are forgiven). A code that names no booking of this office is a 404.
    /// </summary>
    private static async Task<Created<CheckInResult>> CheckInByCodeAsync(string officeId, CheckInRequest request, OfficeCatalog catalog, IGrainFactory grains)
    {
        var office = await catalog.RequireAsync(officeId);
        var code = ConfirmationCode.Normalize(request.Code)
                   ?? throw Validate.Invalid("'code' is the booking's 8-character code, e.g. K7RM-3XHA.");
        var bookingId = await grains.GetGrain<IBookingCodeGrain>(BookingDayGrain.BookingCodeKey(office.Id, code)).GetAsync() ?? throw NotFound();
        return await CheckInAsync(bookingId, catalog, grains);
    }

    /// <summary>
    /// A booking found by its confirmation code (to see or cancel it on the booking page). The code is what the
    /// visitor holds; it shows no personal data.
    /// </summary>
    private static async Task<Ok<BookingView>> ByCodeAsync(string officeId, string code, OfficeCatalog catalog, IGrainFactory grains)
    {
        var office = await catalog.RequireAsync(officeId);
        var normalized = ConfirmationCode.Normalize(code) ?? throw NotFound();
        var bookingId = await grains.GetGrain<IBookingCodeGrain>(BookingDayGrain.BookingCodeKey(office.Id, normalized)).GetAsync() ?? throw NotFound();
        return await GetAsync(bookingId, catalog, grains);
    }

    /// <summary>How a service is booked, for the booking page: its slot rules and, for a consultation, its topics and rooms.</summary>
    private static async Task<Ok<BookingInfo>> BookingInfoAsync(string officeId, string serviceId, OfficeCatalog catalog)
    {
        var (office, service) = await BookableAsync(catalog, officeId, serviceId);
        var policy = service.Booking ?? new SlotPolicy();
        ConsultationInfo? consultation = null;
        if (policy.Consultation is { } c && await catalog.FindAsync(c.WardOfficeId) is { } ward)
        {
            consultation = new ConsultationInfo(ward.Id, ward.Name,
                c.SectionIds.Select(id => ward.FindSection(id)).OfType<SectionDefinition>().Select(s => new TopicInfo(s.Id, s.Name)).ToList(),
                office.Rooms.Select(r => new RoomInfo(r.Id, r.Name, r.Seats, r.PrivacyNote)).ToList());
        }
        return TypedResults.Ok(new BookingInfo(office.Id, service.Id, service.Name, policy.SlotMinutes, policy.Capacity, policy.HorizonDays, policy.CutoffMinutes, consultation));
    }

    /// <summary>The day's bookings of a service for its staff (予約一覧): checked in, late, no-show; contact details as given.</summary>
    private static async Task<Ok<IReadOnlyList<BookingStaffView>>> DayListAsync(string officeId, string serviceId, string? date,
        OfficeCatalog catalog, IGrainFactory grains, TimeProvider time)
    {
        var (office, _) = await BookableAsync(catalog, officeId, serviceId);
        var day = StaffDay(date, time);
        return TypedResults.Ok(await Day(grains, office.Id, serviceId, day).ListAsync());
    }

    /// <summary>
    /// A ward section's appointments at the branches on a day (出張相談): when, which branch and room, the booking's code.
    /// Staff of the section see where they are expected.
    /// </summary>
    private static async Task<Ok<List<Appointment>>> AppointmentsAsync(string officeId, string sectionId, string? date,
        OfficeCatalog catalog, IGrainFactory grains, TimeProvider time)
    {
        var office = await catalog.RequireAsync(officeId);
        if (office.FindSection(sectionId) is null) throw QueueRuleException.NotFound(ProblemCodes.NotFound, $"Office '{office.Id}' has no section '{sectionId}'.");
        var day = StaffDay(date, time);
        var holds = await grains.GetGrain<IResourcePoolGrain>(ResourcePoolKey.SectionOf(office.Id, sectionId, day).ToGrainKey()).HoldsAsync();
        var offices = (await catalog.ListAsync()).ToDictionary(o => o.Id);
        return TypedResults.Ok(holds.OrderBy(h => h.Start).Select(h =>
        {
            var branch = offices.GetValueOrDefault(h.OfficeId);
            var room = branch?.Rooms.FirstOrDefault(r => r.Id == h.Partner);
            return new Appointment(h.BookingId, h.Code, h.OfficeId, branch?.Name, h.ServiceId, h.Partner, room?.Name, h.Start, h.End);
        }).ToList());
    }

    /// <summary>Staff look back up to 60 days and ahead as far as anyone can book.</summary>
    private static DateOnly StaffDay(string? date, TimeProvider time)
    {
        var today = Tokyo.DateOf(time.GetUtcNow());
        var day = Validate.Date(date, "date") ?? today;
        if (day < today.AddDays(-60) || day > today.AddDays(SlotPolicy.MaxHorizonDays))
            throw Validate.Invalid($"The date must be within 60 days back and {SlotPolicy.MaxHorizonDays} days ahead (Japan time).");
        return day;
    }

    /// <summary>Makes a service bookable with these slot rules (予約枠の設定), or changes them; bookings already made stand.</summary>
    private static async Task<Ok<ServiceDefinition>> SetPolicyAsync(string officeId, string serviceId, SlotPolicy policy, OfficeCatalog catalog)
    {
        var office = await catalog.RequireAsync(officeId);
        var updated = await catalog.SetServiceBookingAsync(office.Id, serviceId, policy with { BlockedDates = policy.BlockedDates.Distinct().Order().ToList() });
        return TypedResults.Ok(updated.RequireService(serviceId));
    }

    /// <summary>Stops taking bookings for a service; bookings already made stand and can still be checked in.</summary>
    private static async Task<NoContent> StopBookingAsync(string officeId, string serviceId, OfficeCatalog catalog)
    {
        var office = await catalog.RequireAsync(officeId);
        await catalog.SetServiceBookingAsync(office.Id, serviceId, null);
        return TypedResults.NoContent();
    }

    /// <summary>The booking as a calendar file (.ics) for the visitor's phone, in the booking's language; no personal data.</summary>
    private static async Task<IResult> CalendarAsync(string bookingId, OfficeCatalog catalog, IGrainFactory grains, TimeProvider time)
    {
        var booking = await (await DayOfAsync(bookingId, catalog, grains)).GetAsync(bookingId) ?? throw NotFound();
        var office = await catalog.RequireAsync(booking.OfficeId);
        var service = office.RequireService(booking.ServiceId);
        var language = booking.Language;
        var japanese = language is null or "ja";
        var place = office.FindSection(service.SectionId) is { } section
            ? $"{office.Name.For(language)} {RelocationRules.FloorName(RelocationRules.PlaceAt(office, section, booking.Start).Floor, language ?? "ja")} {section.Name.For(language)}"
            : office.Name.For(language);
        var ics = CalendarFile.Event($"{booking.BookingId}@counterqueue", new Slot(booking.Start, booking.End),
            japanese ? $"{service.Name.Ja}（予約）" : $"{service.Name.For(language)} (booking)",
            office.Address is { } address ? $"{place}, {address.For(language)}" : place,
            japanese
                ? $"予約番号 {booking.Code}\n受付機でこの番号を入力するか、QRコードをかざしてください。開始時刻から15分までの到着で予約の順番になります。"
                : $"Booking code {booking.Code}\nType this code at the kiosk or show its QR code. Arriving up to 15 minutes after the start keeps your booked place.",
            time.GetUtcNow());
        return Results.File(System.Text.Encoding.UTF8.GetBytes(ics), "text/calendar; charset=utf-8", "booking.ics");
    }

    private static IBookingDayGrain Day(IGrainFactory grains, string officeId, string serviceId, DateOnly day) =>
        grains.GetGrain<IBookingDayGrain>(new BookingDayKey(officeId, serviceId, day).ToGrainKey());

    /// <summary>The grain holding a booking, found from its id without activating anything for an id that cannot exist.</summary>
    private static async Task<IBookingDayGrain> DayOfAsync(string bookingId, OfficeCatalog catalog, IGrainFactory grains)
    {
        if (BookingId.Day(bookingId) is not { } key) throw NotFound();
        if (await catalog.FindAsync(key.OfficeId) is not { } office || office.FindService(key.ServiceId) is not { Bookable: true }) throw NotFound();
        return grains.GetGrain<IBookingDayGrain>(key.ToGrainKey());
    }

    private static QueueRuleException NotFound() => QueueRuleException.NotFound(ProblemCodes.BookingNotFound, "No such booking.");

    private static async Task<(OfficeDefinition Office, ServiceDefinition Service)> BookableAsync(OfficeCatalog catalog, string officeId, string serviceId)
    {
        var office = await catalog.RequireAsync(officeId);
        var service = office.RequireService(serviceId);
        if (!service.Bookable) throw QueueRuleException.Conflict(ProblemCodes.ServiceNotBookable, $"'{serviceId}' cannot be booked; take a ticket at the office.");
        return (office, service);
    }

    /// <summary>Only today up to the longest horizon a service may have: no grain for a day nobody can book.</summary>
    private static void RequireBookableDay(DateOnly day, TimeProvider time)
    {
        var today = Tokyo.DateOf(time.GetUtcNow());
        if (day < today || day > today.AddDays(SlotPolicy.MaxHorizonDays))
            throw Validate.Invalid($"The date must be from today to {SlotPolicy.MaxHorizonDays} days ahead (Japan time).");
    }

    /// <summary>Contact details are optional; what is given must look like what it says it is.</summary>
    private static BookingContact? ValidContact(BookingContact? contact)
    {
        if (contact is null) return null;
        var name = Optional(contact.Name, "contact.name", 100);
        var phone = Optional(contact.Phone, "contact.phone", 30);
        var email = Optional(contact.Email, "contact.email", 254);
        if (phone is not null && !PhonePattern().IsMatch(phone)) throw Validate.Invalid("'contact.phone' may hold digits, spaces, '+', '-' and brackets only.");
        if (email is not null && !EmailPattern().IsMatch(email)) throw Validate.Invalid("'contact.email' is not an e-mail address.");
        return name is null && phone is null && email is null ? null : new BookingContact(name, phone, email);
    }

    private static string? Optional(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (value.Length > maxLength || value.Any(char.IsControl)) throw Validate.Invalid($"'{field}' must be at most {maxLength} characters, with no control characters.");
        return value;
    }

    [GeneratedRegex(@"^[0-9+\-() ]{3,30}$")] private static partial Regex PhonePattern();
    [GeneratedRegex(@"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s]{1,60}$")] private static partial Regex EmailPattern();
}
