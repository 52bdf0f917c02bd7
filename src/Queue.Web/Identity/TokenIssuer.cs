using System.Security.Claims;
using System.Security.Cryptography;
using CounterQueue.Silo.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CounterQueue.Web.Identity;

/// <summary>The "Queue:Auth" configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Queue:Auth";

    /// <summary>Base64 HMAC key (at least 32 bytes). When empty, one is generated and kept in the data folder.</summary>
    public string? SigningKey { get; set; }
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

}

/// <summary>Checks "Queue:Auth" on start, with a sentence per bad setting.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = new List<string>();
        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenLifetime > TimeSpan.FromDays(7))
            errors.Add($"Queue:Auth:TokenLifetime {options.TokenLifetime} must be more than zero and at most 7 days (e.g. 12:00:00).");
        if (!IsValidSigningKey(options.SigningKey))
            errors.Add("Queue:Auth:SigningKey must be base64 of at least 32 random bytes (e.g. from `openssl rand -base64 32`), or empty to keep a generated one in the data folder.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsValidSigningKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key)) return true;
        var bytes = new byte[key.Length];
        return Convert.TryFromBase64String(key.Trim(), bytes, out var written) && written >= 32;
    }
}

/// <summary>Issues and validates bearer tokens signed with the office's own key.</summary>
public sealed class TokenIssuer
{
    public const string Issuer = "counterqueue";
    public const string RoleClaim = "role";
    public const string NameClaim = "sub";
    public const string IssuedAtMillisecondsClaim = "cq_iat_ms";
    /// <summary>The office (a branch, or the ward office) the user works at, when bound to one.</summary>
    public const string OfficeClaim = "office";
    /// <summary>The section (課) the user works in, when bound to one.</summary>
    public const string SectionClaim = "section";
    private readonly SymmetricSecurityKey _key;
    private readonly AuthOptions _options;
    private readonly TimeProvider _time;

    public TokenIssuer(IOptions<AuthOptions> options, IOptions<QueueOptions> queue, TimeProvider time, ILogger<TokenIssuer> logger)
    {
        _options = options.Value;
        _time = time;
        _key = new SymmetricSecurityKey(LoadKey(_options.SigningKey, queue.Value.DataDirectory, logger));
    }

    private static byte[] LoadKey(string? configured, string dataDirectory, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var bytes = Convert.FromBase64String(configured);
            if (bytes.Length < 32) throw new InvalidOperationException("Queue:Auth:SigningKey must be at least 32 bytes (base64).");
            return bytes;
        }
        var path = Path.Combine(Path.GetFullPath(dataDirectory), "signing.key");
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = RandomNumberGenerator.GetBytes(64);
        var temp = path + ".tmp";
        File.WriteAllText(temp, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: false);
        logger.LogInformation("Generated a token signing key at {Path}", path);
        return key;
    }

    public TokenValidationParameters ValidationParameters => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Issuer,
        IssuerSigningKey = _key,
        NameClaimType = NameClaim,
        RoleClaimType = RoleClaim,
        ClockSkew = TimeSpan.FromMinutes(1),
        // Expiry is judged on the same clock that issued the token.
        LifetimeValidator = (notBefore, expires, _, parameters) =>
        {
            var now = _time.GetUtcNow().UtcDateTime;
            return (notBefore is null || notBefore.Value <= now + parameters.ClockSkew)
                && (expires is null || expires.Value >= now - parameters.ClockSkew);
        },
    };

    public (string Token, DateTimeOffset ExpiresAt) Issue(string username, IEnumerable<string> roles, string? officeId = null, string? sectionId = null)
    {
        var now = _time.GetUtcNow();
        var expires = now + _options.TokenLifetime;
        // When it was issued to the millisecond (iat has whole seconds): a token from just after a revocation is good.
        var claims = new List<Claim> { new(NameClaim, username), new(IssuedAtMillisecondsClaim, now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        claims.AddRange(roles.Select(r => new Claim(RoleClaim, r)));
        if (officeId is not null) claims.Add(new Claim(OfficeClaim, officeId));
        if (sectionId is not null) claims.Add(new Claim(SectionClaim, sectionId));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
