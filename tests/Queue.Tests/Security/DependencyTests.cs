using System.Diagnostics;
using CounterQueue.Tests.Support;

namespace CounterQueue.Tests.Security;

/// <summary>No package the product or its tests use, directly or through another, has a known vulnerability (NuGet's advisories).</summary>
public sealed class DependencyTests
{
    [Fact]
    public async Task No_package_has_a_known_vulnerability()
    {
        var start = new ProcessStartInfo("dotnet", ["list", "CounterQueue.sln", "package", "--vulnerable", "--include-transitive"])
        {
            WorkingDirectory = AppProcess.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(process.ExitCode == 0, $"dotnet list package --vulnerable failed ({process.ExitCode}): {errors}{output}");
        var projects = output.Split('\n').Count(l => l.Contains("has no vulnerable packages", StringComparison.Ordinal));
        Assert.True(projects >= 5 && !output.Contains("has the following vulnerable packages", StringComparison.Ordinal),
            $"vulnerable packages (or not every project checked):\n{output}");
    }
}
