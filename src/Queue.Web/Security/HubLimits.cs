using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;

namespace CounterQueue.Web.Security;

/// <summary>
/// The lobby hub's messages are checked and limited like HTTP requests: a connection may invoke a few methods a second
/// (a display subscribes once, a phone follows one ticket), and no argument may be longer than any id the API knows.
/// Messages themselves are capped at 8 KiB (SignalR's MaximumReceiveMessageSize).
/// </summary>
public sealed class HubLimits(ILogger<HubLimits> logger) : IHubFilter
{
    public const int MaxArgumentLength = 200;
    private const string LimiterKey = "cq.limiter";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var items = invocation.Context.Items;
        if (items[LimiterKey] is not RateLimiter limiter)
        {
            limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = 20, TokensPerPeriod = 5, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
            });
            items[LimiterKey] = limiter;
        }
        using var lease = limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            logger.LogWarning("Hub: refused {Method} on connection {Connection}: too many calls", invocation.HubMethodName, invocation.Context.ConnectionId);
            throw new HubException("Too many requests; please try again shortly.");
        }
        foreach (var argument in invocation.HubMethodArguments)
        {
            if (argument is string { Length: > MaxArgumentLength } || argument is string text && text.Any(char.IsControl))
                throw new HubException("An argument is not valid.");
        }
        return await next(invocation);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        (context.Context.Items[LimiterKey] as IDisposable)?.Dispose();
        return next(context, exception);
    }
}
