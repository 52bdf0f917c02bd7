using CounterQueue.Silo;
using Microsoft.Extensions.Options;
using Quartz;

namespace CounterQueue.Web.TemporaryCounters;

public static class TemporaryCounterHosting
{
    /// <summary>
    /// Quartz.NET with a persistent job store (SQLite in the data folder, next to the embedded grain store),
    /// Asia/Tokyo triggers, and the jobs that open and close temporary counters (臨時窓口).
    /// </summary>
    public static WebApplicationBuilder AddTemporaryCounters(this WebApplicationBuilder builder)
    {
        var options = builder.GetQueueOptions();
        builder.Services.AddQuartz(quartz =>
        {
            quartz.UsePersistentStore(store =>
            {
                if (options.IsClusterMode)
                {
                    // Cluster mode: every node shares the job store, and clustering makes exactly one fire each trigger.
                    store.UsePostgres(Npgsql.NpgsqlFactory.Instance, options.PostgreSql!);
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(5));
                }
                else
                {
                    var dataDirectory = options.DataDirectoryPath;
                    Directory.CreateDirectory(dataDirectory);
                    store.UseSqlite($"Data Source={Path.Combine(dataDirectory, "scheduler.db")}");
                }
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
            });
            quartz.ConfigureScheduler(s =>
            {
                s.InstanceName = "CounterQueue";
                s.InstanceId = $"{Environment.MachineName}-{options.SiloPort}"; // unique per node of a cluster
                s.DefaultTimeZone = CounterQueue.Domain.Calendar.Tokyo.Zone; // the offices' zone, whatever the server's
            });
            quartz.AddJob<TemporaryCounterJob>(job => job.WithIdentity(TemporaryCounterJob.Key).StoreDurably());
        });
        // Jobs start once the app (and its silo) is up; a stop waits for a running job to finish.
        builder.Services.AddQuartzHostedService(o => { o.WaitForJobsToComplete = true; o.AwaitApplicationStarted = true; });
        builder.Services.AddSingleton<TemporaryCounterScheduler>();
        builder.Services.AddHostedService<TemporaryCounterStartup>();
        return builder;
    }
}
