using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CounterQueue.Silo.Infrastructure;

public static class ValidatedOptions
{
    /// <summary>
    /// Reads a settings section once per host and checks it at once (hosting decisions such as the silo's providers
    /// depend on it), then registers it as options checked again on start (<c>ValidateOnStart</c>) with the same
    /// validator. A bad value, or one that does not even convert (a port of "abc"), stops the host with an
    /// <see cref="OptionsValidationException"/> that names the setting and says what would be right.
    /// </summary>
    public static T AddValidatedOptions<T, TValidator>(this IHostApplicationBuilder builder, string section)
        where T : class, new()
        where TValidator : class, IValidateOptions<T>, new()
    {
        if (builder.Properties.TryGetValue(typeof(T), out var read)) return (T)read;
        T options;
        try
        {
            options = builder.Configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(section, typeof(T), [e.Message]);
        }
        var result = new TValidator().Validate(null, options);
        if (result.Failed) throw new OptionsValidationException(section, typeof(T), result.Failures);
        builder.Properties[typeof(T)] = options;
        builder.Services.AddSingleton<IValidateOptions<T>, TValidator>();
        builder.Services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        return options;
    }
}
