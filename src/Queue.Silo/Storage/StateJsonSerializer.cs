using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CounterQueue.Domain;
using Microsoft.AspNetCore.DataProtection;
using Orleans.Storage;

namespace CounterQueue.Silo.Storage;

/// <summary>
/// Grain state as System.Text.Json: readable in the database, tolerant of added fields. Given a protector, every
/// property marked <see cref="PersonalDataAttribute"/> is stored encrypted (ASP.NET Core Data Protection), so the
/// database file and its backups hold no resident's name or contact in the clear.
/// </summary>
public sealed class StateJsonSerializer : IGrainStorageSerializer
{
    /// <summary>The Data Protection purpose of personal data at rest; a new purpose would make old ciphertexts unreadable.</summary>
    public const string PersonalDataPurpose = "CounterQueue.PersonalData.v1";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly JsonSerializerOptions _options;

    /// <summary>Without a protector personal data is stored as it is (storage contract tests and tools only).</summary>
    public StateJsonSerializer(IDataProtector? personalData = null)
    {
        _options = personalData is null ? Options : new JsonSerializerOptions(Options)
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { info => SealPersonalData(info, personalData) } },
        };
    }

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, _options)
        ?? throw new JsonException($"Stored state for {typeof(T).Name} is null.");

    private static void SealPersonalData(JsonTypeInfo info, IDataProtector protector)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in info.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(PersonalDataAttribute), inherit: true) != true) continue;
            property.CustomConverter = (JsonConverter)Activator.CreateInstance(
                typeof(SealedConverter<>).MakeGenericType(property.PropertyType), protector)!;
        }
    }

    /// <summary>
    /// Writes the value as <c>"pd1:" + base64url(protect(json))</c>. Reads that, or a value stored before encryption
    /// was on (plain JSON), which the next write of the state seals.
    /// </summary>
    private sealed class SealedConverter<T>(IDataProtector protector) : JsonConverter<T>
    {
        private const string Prefix = "pd1:";

        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && text.StartsWith(Prefix, StringComparison.Ordinal))
            {
                byte[] clear;
                try
                {
                    clear = protector.Unprotect(Base64Url.DecodeFromChars(text.AsSpan(Prefix.Length)));
                }
                catch (System.Security.Cryptography.CryptographicException e)
                {
                    throw new JsonException("Personal data in the store cannot be decrypted: the Data Protection key ring "
                                            + "it was sealed with is missing (see Queue:DataProtection in the README).", e);
                }
                return JsonSerializer.Deserialize<T>(clear, Options);
            }
            return JsonSerializer.Deserialize<T>(ref reader, Options); // stored before sealing
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Prefix + Base64Url.EncodeToString(protector.Protect(JsonSerializer.SerializeToUtf8Bytes(value, Options))));
    }
}
