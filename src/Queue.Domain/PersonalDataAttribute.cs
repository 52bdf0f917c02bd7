namespace CounterQueue.Domain;

/// <summary>
/// Marks a property that holds personal data (個人情報: a resident's name, phone, e-mail, or a response that carries
/// them). The storage encrypts such a property at rest and the purge jobs delete it on schedule; it never goes into a
/// log, the lobby or the visit history.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PersonalDataAttribute : Attribute;
