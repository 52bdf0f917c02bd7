using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CounterQueue.Domain;
using CounterQueue.Domain.Bookings;
using CounterQueue.Domain.Calendar;
using CounterQueue.Domain.Offices;
using CounterQueue.Silo.Privacy;
using CounterQueue.Silo.Storage;
using CounterQueue.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace CounterQueue.Tests.Security;

/// <summary>Personal data (個人情報) is sealed at rest with Data Protection and still readable by those who may read it.</summary>
public sealed class PrivacyTests
{
    private const string ContactName = "秘匿 花子";
    private const string ContactPhone = "090-5555-0101";
    private const string ContactEmail = "hanako.hitoku@example.jp";
    private const string ResidentName = "川崎 秘匿太郎";

    [Fact]
    public async Task Booking_contacts_forwarded_papers_names_and_replayable_responses_are_encrypted_in_the_store_and_read_back_after_a_restart()
    {
        var app = new AppFixture();
        await app.InitializeAsync();
        var dataDirectory = app.DataDirectory;
        string bookingId, itemId;
        OfficeDefinition office;
        DateOnly day;
        try
        {
            office = TestOffices.Create(hours: TestSchedules.Ward);
            office = office with
            {
                Services = office.Services.Select(s => s.Id == "a"
                    ? s with { Bookable = true, Booking = new SlotPolicy { SlotMinutes = 30, Capacity = 3, HorizonDays = 30, CutoffMinutes = 60 } }
                    : s).ToList(),
            };
            await app.CreateOfficeAsync(office);
            day = app.Today.AddDays(2);
            while (TestSchedules.Ward.HoursOn(day) is null || day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);

            using var visitor = app.CreateClient();
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
            {
                Content = JsonContent.Create(new
                {
                    officeId = office.Id, serviceId = "a", start = Tokyo.At(day, new TimeSpan(10, 0, 0)),
                    contact = new { name = ContactName, phone = ContactPhone, email = ContactEmail }, language = "ja",
                }, options: ApiJson.Options),
            };
            request.Headers.Add("Idempotency-Key", "privacy-test-1"); // the replayable response is stored too
            var booked = await visitor.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            bookingId = (await booked.ReadJsonAsync())["bookingId"]!.GetValue<string>();

            var (branch, _) = await app.SignedInAsync("staff", "daishi");
            using (branch)
            {
                var accepted = await branch.PostJsonAsync("/api/offices/daishi/forwarding", new { documentTypeId = "care-certification", residentName = ResidentName });
                Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
                itemId = (await accepted.ReadJsonAsync())["id"]!.GetValue<string>();
            }
            await AssertStaffReadAsync(app, office.Id, day, bookingId, itemId);

            // Everything the store wrote, in the database file and its write-ahead log, holds none of it in the clear.
            var stored = ReadStore(dataDirectory);
            Assert.Contains("pd1:", Encoding.UTF8.GetString(stored)); // sealed values are there
            foreach (var secret in new[] { ContactName, ContactPhone, ContactEmail, ResidentName, "秘匿" })
            {
                Assert.Equal(-1, stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
                Assert.Equal(-1, stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(secret).Trim('"')))); // as JSON escapes it
            }
        }
        finally
        {
            await app.DisposeWithoutDataAsync();
        }

        // The key ring stays with the data (readable by the service's user only): a restarted app reads them back.
        var keys = Path.Combine(dataDirectory, "keys");
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        var again = new AppFixture { ExtraSettings = { ["Queue:DataDirectory"] = dataDirectory } };
        await again.InitializeAsync();
        try
        {
            await AssertStaffReadAsync(again, office.Id, day, bookingId, itemId);
        }
        finally
        {
            await again.DisposeAsync();
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task AssertStaffReadAsync(AppFixture app, string officeId, DateOnly day, string bookingId, string itemId)
    {
        using var admin = app.AdminClient();
        var list = (await (await admin.GetAsync($"/api/offices/{officeId}/services/a/bookings?date={day:yyyy-MM-dd}")).ReadJsonAsync()).AsArray();
        var contact = list.Single(b => b!["booking"]!["bookingId"]!.GetValue<string>() == bookingId)!["contact"]!;
        Assert.Equal((ContactName, ContactPhone, ContactEmail), (contact["name"]!.GetValue<string>(), contact["phone"]!.GetValue<string>(), contact["email"]!.GetValue<string>()));
        var item = await (await admin.GetAsync($"/api/forwarding/{itemId}")).ReadJsonAsync();
        Assert.Equal(ResidentName, item["residentName"]!.GetValue<string>());
    }

    private static byte[] ReadStore(string dataDirectory)
    {
        using var all = new MemoryStream();
        foreach (var file in Directory.GetFiles(dataDirectory, "queue.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.CopyTo(all);
        }
        return all.ToArray();
    }

    [Fact]
    public void The_state_serializer_seals_only_personal_data_reads_what_was_stored_before_sealing_and_says_so_when_the_key_is_lost()
    {
        var protector = new EphemeralDataProtectionProvider().CreateProtector(StateJsonSerializer.PersonalDataPurpose);
        var serializer = new StateJsonSerializer(protector);
        var record = new BookingRecord
        {
            Id = "b1", Code = "ACEF-HJKM", Start = DateTimeOffset.UnixEpoch, End = DateTimeOffset.UnixEpoch.AddMinutes(30),
            BookedAt = DateTimeOffset.UnixEpoch, Contact = new BookingContact(ContactName, ContactPhone, null),
        };

        var sealedJson = serializer.Serialize(record).ToString();
        Assert.DoesNotContain(ContactName, sealedJson);
        Assert.DoesNotContain(ContactPhone, sealedJson);
        Assert.Contains("\"code\":\"ACEF-HJKM\"", sealedJson); // the rest stays readable
        Assert.StartsWith("pd1:", JsonDocument.Parse(sealedJson).RootElement.GetProperty("contact").GetString());
        Assert.Equal(record.Contact, serializer.Deserialize<BookingRecord>(BinaryData.FromString(sealedJson)).Contact);

        // A record written before sealing was on reads as it was (and is sealed on its next write).
        var plain = new StateJsonSerializer().Serialize(record);
        Assert.Contains(ContactPhone, plain.ToString());
        Assert.Equal(record.Contact, serializer.Deserialize<BookingRecord>(plain).Contact);
        var item = new IdempotencyLike { Body = "{\"x\":1}" };
        Assert.Equal(item.Body, serializer.Deserialize<IdempotencyLike>(serializer.Serialize(item)).Body);
        Assert.Null(serializer.Deserialize<IdempotencyLike>(serializer.Serialize(new IdempotencyLike())).Body);

        // Another key ring cannot read it: a clear error, not a silently empty contact.
        var stranger = new StateJsonSerializer(new EphemeralDataProtectionProvider().CreateProtector(StateJsonSerializer.PersonalDataPurpose));
        var error = Assert.Throws<JsonException>(() => stranger.Deserialize<BookingRecord>(BinaryData.FromString(sealedJson)));
        Assert.Contains("key ring", error.Message);
    }

    [Fact]
    public async Task Hosts_of_a_cluster_share_the_key_ring_in_PostgreSQL_so_one_reads_what_another_sealed()
    {
        await using var database = Npgsql.NpgsqlDataSource.Create(await TestPostgres.FreshDatabaseAsync());
        using var data = new TempDirectory("dp");
        IDataProtector Host(string name)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddPersonalDataProtection(Path.Combine(data.Path, name), keysDirectory: null, database);
            return services.BuildServiceProvider().PersonalDataProtector();
        }
        var (one, two) = (Host("one"), Host("two"));
        var sealedByOne = one.Protect(Encoding.UTF8.GetBytes(ContactName));
        Assert.Equal(ContactName, Encoding.UTF8.GetString(two.Unprotect(sealedByOne)));
        Assert.False(Directory.Exists(Path.Combine(data.Path, "one", "keys"))); // nothing on the hosts' disks
        await using var count = database.CreateCommand("SELECT count(*) FROM cq_data_protection_key");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    private sealed class IdempotencyLike
    {
        [PersonalData]
        public string? Body { get; set; }
    }
}
