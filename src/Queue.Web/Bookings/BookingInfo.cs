using CounterQueue.Domain;

namespace CounterQueue.Web.Bookings;

/// <summary>How a service is booked (for the booking page).</summary>
public sealed record BookingInfo(string OfficeId, string ServiceId, LocalizedText Name, int SlotMinutes, int Capacity, int HorizonDays,
    int CutoffMinutes, ConsultationInfo? Consultation);

/// <summary>A branch consultation: the ward office whose staff come, the topics (its sections) and the rooms.</summary>
public sealed record ConsultationInfo(string WardOfficeId, LocalizedText WardOfficeName, IReadOnlyList<TopicInfo> Topics, IReadOnlyList<RoomInfo> Rooms);

public sealed record TopicInfo(string SectionId, LocalizedText Name);

public sealed record RoomInfo(string RoomId, LocalizedText Name, int Seats, LocalizedText? PrivacyNote);

/// <summary>A ward section's appointment at a branch (出張相談): no personal data, the booking's code to find it with the visitor.</summary>
public sealed record Appointment(string BookingId, string? Code, string BranchOfficeId, LocalizedText? BranchName, string ServiceId,
    string? RoomId, LocalizedText? RoomName, DateTimeOffset Start, DateTimeOffset End);
