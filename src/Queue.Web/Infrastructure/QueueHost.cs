using Microsoft.Extensions.Options;

namespace CounterQueue.Web.Infrastructure;

/// <summary>Builds and runs the web host; a configuration mistake ends it with a readable message, not a trace.</summary>
public static class QueueHost
{
    /// <summary>Exit code for a setting that is missing or wrong (see the message on standard error).</summary>
    public const int ConfigurationError = 2;

    public static int Run(string[] args, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        try
        {
            // Settings files are found next to the app (bin/ under `dotnet run`, the publish folder otherwise),
            // whatever folder it is started from; relative paths such as Queue:DataDirectory are under the working folder.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
            configure(builder);
            var app = builder.Build();
            map(app);
            app.Run();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            Console.Error.WriteLine("CounterQueue cannot start: a setting is wrong.");
            foreach (var failure in e.Failures) Console.Error.WriteLine($"  - {failure}");
            Console.Error.WriteLine("Settings come from appsettings.json, environment variables (Queue__Name) and the command line (--Queue:Name=…); see README.md, Configuration.");
            return ConfigurationError;
        }
    }
}
