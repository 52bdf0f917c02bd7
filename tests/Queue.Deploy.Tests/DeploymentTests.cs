using System.Diagnostics;
using CounterQueue.Silo.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace CounterQueue.Deploy.Tests;

/// <summary>The deployment files, proved: the compose file runs under podman, the Kubernetes manifests say what the app needs.</summary>
public sealed class DeploymentTests
{
    private static string Repository
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "CounterQueue.sln"))) folder = folder.Parent;
            return folder?.FullName ?? throw new InvalidOperationException("CounterQueue.sln not found");
        }
    }

    [Fact]
    public async Task The_compose_file_brings_up_PostgreSQL_three_hosts_and_the_proxy_and_one_queue_works_across_them()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Repository, "deploy", "compose", "smoke.sh"));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(15));
        var log = await output + await errors;
        Assert.True(process.ExitCode == 0, log[Math.Max(0, log.Length - 4000)..]);
        Assert.Contains("compose smoke: passed", log);
    }

    [Fact]
    public void The_Kubernetes_manifests_probe_drain_and_configure_the_hosts_as_the_app_expects()
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(Repository, "deploy", "k8s", "counterqueue.yaml"))) stream.Load(reader);
        var documents = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        string Kind(YamlMappingNode d) => ((YamlScalarNode)d["kind"]).Value!;
        Assert.Equal(["ConfigMap", "Deployment", "Ingress", "Namespace", "PodDisruptionBudget", "Service", "Service", "StatefulSet"],
            documents.Select(Kind).Order());

        var deployment = documents.Single(d => Kind(d) == "Deployment");
        var replicas = int.Parse(((YamlScalarNode)deployment["spec"]["replicas"]).Value!);
        var pod = (YamlMappingNode)deployment["spec"]["template"]["spec"];
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children[0];
        Assert.Equal("/health/ready", ((YamlScalarNode)container["readinessProbe"]["httpGet"]["path"]).Value);
        Assert.Equal("/health/live", ((YamlScalarNode)container["livenessProbe"]["httpGet"]["path"]).Value);
        Assert.True(int.Parse(((YamlScalarNode)pod["terminationGracePeriodSeconds"]).Value!) >= 30, "time to drain");
        var pdb = documents.Single(d => Kind(d) == "PodDisruptionBudget");
        Assert.InRange(int.Parse(((YamlScalarNode)pdb["spec"]["minAvailable"]).Value!), 1, replicas - 1);

        // Every Queue__ setting the manifests give names a real setting (a typo would be silently ignored by the app).
        var names = ((YamlSequenceNode)container["env"]).Children.Select(e => ((YamlScalarNode)e["name"]).Value!)
            .Concat(((YamlMappingNode)documents.Single(d => Kind(d) == "ConfigMap")["data"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!))
            .Where(n => n.StartsWith("Queue__", StringComparison.Ordinal)).ToList();
        Assert.Contains("Queue__PostgreSql", names);
        Assert.Contains("Queue__AdvertisedAddress", names);
        var known = typeof(QueueOptions).GetProperties().Select(p => p.Name).Concat(["Auth", "RateLimits"]).ToHashSet();
        Assert.All(names, n => Assert.Contains(n.Split("__")[1], known));
    }
}
