using System.Net;

namespace CounterQueue.Web.Operations;

/// <summary>
/// /metrics (Prometheus) answers only callers on the office network: loopback and private addresses by default, or the
/// networks in <c>Queue:Metrics:AllowedNetworks</c> (CIDR, e.g. <c>10.20.0.0/16</c>). Others get 404, as if it were not
/// there. Nothing personal is in the metrics, but a queue's length is the office's own business.
/// </summary>
public static class MetricsAccess
{
    public const string Path = "/metrics";

    private static readonly IPNetwork[] Private =
    [
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("fc00::/7"),
    ];

    public static WebApplication MapMetrics(this WebApplication app)
    {
        var configured = app.Configuration.GetSection("Queue:Metrics:AllowedNetworks").Get<string[]>() ?? [];
        var allowed = configured.Length == 0 ? Private : configured.Select(IPNetwork.Parse).ToArray();
        app.UseWhen(context => context.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase), branch => branch.Use(async (context, next) =>
        {
            var address = context.Connection.RemoteIpAddress;
            if (address is null || !allowed.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        }));
        app.MapPrometheusScrapingEndpoint(Path);
        return app;
    }
}
