using System.Xml.Linq;
using CounterQueue.Silo.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Polly;

namespace CounterQueue.Silo.Privacy;

public static class PersonalDataProtection
{
    /// <summary>The application name every host of one installation shares, so each reads what another sealed.</summary>
    public const string ApplicationName = "CounterQueue";

    /// <summary>
    /// ASP.NET Core Data Protection for personal data at rest (<see cref="StateJsonSerializer"/>). The key ring lives in
    /// <paramref name="keysDirectory"/> when one is configured (a separate volume, say), else in PostgreSQL in cluster
    /// mode (every host shares it), else in the data folder's <c>keys</c> folder (readable by the service's user only).
    /// Keys roll over every 90 days; old keys stay in the ring, so what they sealed stays readable until purged.
    /// </summary>
    public static IServiceCollection AddPersonalDataProtection(this IServiceCollection services, string dataDirectory,
        string? keysDirectory, NpgsqlDataSource? postgres, Func<IServiceProvider, ResiliencePipeline>? resilience = null)
    {
        var protection = services.AddDataProtection().SetApplicationName(ApplicationName);
        if (keysDirectory is not null || postgres is null)
        {
            var folder = new DirectoryInfo(keysDirectory ?? Path.Combine(dataDirectory, "keys"));
            folder.Create();
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            protection.PersistKeysToFileSystem(folder);
        }
        else
        {
            services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<IServiceProvider>((options, sp) =>
                    options.XmlRepository = new PostgresXmlRepository(postgres, resilience?.Invoke(sp) ?? ResiliencePipeline.Empty));
        }
        return services;
    }

    /// <summary>The protector for personal data at rest.</summary>
    public static IDataProtector PersonalDataProtector(this IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector(StateJsonSerializer.PersonalDataPurpose);
}

/// <summary>The Data Protection key ring in PostgreSQL (cluster mode): one row per key, shared by every host.</summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource database, ResiliencePipeline resilience) : IXmlRepository
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS cq_data_protection_key (
            id            bigserial PRIMARY KEY,
            friendly_name text      NOT NULL,
            xml           text      NOT NULL
        );
        """;

    private volatile bool _schemaReady;

    // Data Protection calls these synchronously, when it loads the key ring (at start and about once a day) and when
    // it makes a key (every 90 days), so they block a thread for one query, rarely.
    public IReadOnlyCollection<XElement> GetAllElements() => resilience.Execute(() =>
    {
        EnsureSchema();
        using var command = database.CreateCommand("SELECT xml FROM cq_data_protection_key ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    });

    public void StoreElement(XElement element, string friendlyName) => resilience.Execute(() =>
    {
        EnsureSchema();
        using var command = database.CreateCommand("INSERT INTO cq_data_protection_key (friendly_name, xml) VALUES ($1, $2)");
        command.Parameters.AddWithValue(friendlyName);
        command.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    });

    /// <summary>Creates the table if missing, under an advisory lock so hosts starting together do not race (retried with the call on failure).</summary>
    private void EnsureSchema()
    {
        if (_schemaReady) return;
        using var command = database.CreateCommand($"SELECT pg_advisory_xact_lock(7310004); {Schema}");
        command.ExecuteNonQuery();
        _schemaReady = true;
    }
}
