using CounterQueue.Domain;

namespace CounterQueue.Silo.Infrastructure;

/// <summary>
/// A <see cref="QueueRuleException"/> as it crosses a grain call: the grain call filter converts
/// one to the other so the web host gets the kind, code and details intact.
/// </summary>
[GenerateSerializer, Alias("cq.problem")]
public sealed class QueueProblemException : Exception
{
    public QueueProblemException(QueueErrorKind kind, string code, string message, Dictionary<string, string> details)
        : base(message)
    {
        Kind = kind;
        Code = code;
        Details = details;
    }

    [Id(0)] public QueueErrorKind Kind { get; }
    [Id(1)] public string Code { get; }
    [Id(2)] public Dictionary<string, string> Details { get; }

    public static QueueProblemException From(QueueRuleException e) => new(e.Kind, e.Code, e.Message, new(e.Details));
}

/// <summary>Turns rule violations thrown inside grains into <see cref="QueueProblemException"/>.</summary>
internal sealed class QueueRuleCallFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (QueueRuleException e)
        {
            throw QueueProblemException.From(e);
        }
    }
}
