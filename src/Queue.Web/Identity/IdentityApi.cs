using System.Text.RegularExpressions;
using CounterQueue.Domain;
using CounterQueue.Domain.Security;
using CounterQueue.Silo.Identity;
using CounterQueue.Silo.Infrastructure;
using CounterQueue.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CounterQueue.Web.Identity;

public sealed record TokenRequest(string? Username, string? Password);
public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt);
/// <summary>A user to create; <c>officeId</c> and <c>sectionId</c> bind a staff member to a branch or to a ward section (書類回送).</summary>
public sealed record CreateUserRequest(string? Username, string? Password, IReadOnlyList<string>? Roles, string? OfficeId = null, string? SectionId = null);
public sealed record UserResponse(string Username, IReadOnlyList<string> Roles);

public static partial class IdentityApi
{
    public const string StaffPolicy = "staff";
    public const string GuidePolicy = "guide";
    public const string AdminPolicy = "admin";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")] private static partial Regex UsernamePattern();

    /// <summary>Bearer tokens signed by this office, roles staff / guide / admin (admin implies the others).</summary>
    public static WebApplicationBuilder AddQueueAuth(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<TokenRevocations>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer>((o, issuer) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = issuer.ValidationParameters;
                // A token issued before its user's tokens were revoked (or for a user that no longer exists) is refused.
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = async context =>
                    {
                        var revocations = context.HttpContext.RequestServices.GetRequiredService<TokenRevocations>();
                        if (!await revocations.IsValidAsync(context.Principal!)) context.Fail("The token was revoked.");
                    },
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, p => p.RequireRole(Roles.Staff, Roles.Admin))
            .AddPolicy(GuidePolicy, p => p.RequireRole(Roles.Guide, Roles.Admin))
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>
    /// Authentication and authorization, each where it has work. A bearer token in the Authorization header is the only
    /// credential (no cookies, no token in the query), so a request without that header has nobody to authenticate: the
    /// handler would find no result and the user stays anonymous, as here. An endpoint without authorization metadata has
    /// nothing to check (there is no fallback policy; should one be set, every request is checked again). A visitor's
    /// ticket skips both: per request they made the bearer handler, a scope's services, the policy combination and the
    /// request's item dictionary (issue #9's profile). A staff endpoint without a token still answers 401 (its policy's
    /// challenge).
    /// </summary>
    public static WebApplication UseQueueAuthentication(this WebApplication app)
    {
        var everyRequest = app.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy is not null;
        app.UseWhen(static context => context.Request.Headers.ContainsKey(HeaderNames.Authorization), static branch => branch.UseAuthentication());
        app.UseWhen(context => everyRequest || NeedsAuthorization(context.GetEndpoint()), static branch => branch.UseAuthorization());
        // Unless it sees them added, the host adds both at the very start of the pipeline (outside the problem handlers: a
        // 401 would lose its problem body). It knows by these keys, which UseAuthentication and UseAuthorization set in
        // the branches' own copies of the properties. The 401 problem tests fail should the keys ever change.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
        return app;
    }

    private static bool NeedsAuthorization(Endpoint? endpoint) => endpoint is not null &&
        (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null
         || endpoint.Metadata.GetMetadata<IAuthorizationRequirementData>() is not null);

    public static WebApplication MapIdentityApi(this WebApplication app)
    {
        app.MapPost("/api/auth/token", IssueTokenAsync).WithTags("Identity").AllowAnonymous().WithMetadata(new Security.AuditedAttempts()).WithMetadata(new Security.RateLimited(Security.RateLimitCategory.SignIn));
        app.MapPost("/api/admin/users", CreateUserAsync).WithTags("Identity").RequireAuthorization(AdminPolicy);
        app.MapPost("/api/admin/users/{username}/revoke-tokens", RevokeTokensAsync).WithTags("Identity").RequireAuthorization(AdminPolicy);
        return app;
    }

    /// <summary>
    /// Signs in. A wrong password and an unknown user get the same answer after the same work; repeated failures lock
    /// sign-in for the user name and for the address for a while (429 sign-in-locked with Retry-After), growing each time.
    /// </summary>
    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, IGrainFactory grains, TokenIssuer issuer, SignInThrottle throttle, HttpContext context, ILogger<TokenIssuer> logger)
    {
        var username = Validate.Required(request.Username, "username", 64);
        var password = Validate.Required(request.Password, "password", 256);
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        context.Items[Security.AuditApi.AttemptedUserItem] = username[..Math.Min(64, username.Length)]; // every attempt goes to the audit log
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        if (throttle.LockedUntil(address) is { } addressLocked) return Locked(context, addressLocked, time, logger, "address", address);
        var attempt = UsernamePattern().IsMatch(username) ? await grains.GetGrain<IUserGrain>(username).SignInAsync(password) : new SignInAttempt(null, null);
        if (attempt.LockedUntil is { } userLocked) return Locked(context, userLocked, time, logger, "user", username);
        if (attempt.User is not { } user)
        {
            throttle.Failed(address);
            logger.LogWarning("Failed sign-in for {User}", username);
            return Problems.Result(context, StatusCodes.Status401Unauthorized, ProblemCodes.InvalidCredentials, null);
        }
        var (token, expires) = issuer.Issue(username, user.Roles, user.OfficeId, user.SectionId);
        logger.LogInformation("{User} signed in", username);
        return TypedResults.Ok(new TokenResponse(token, expires));
    }

    private static ProblemHttpResult Locked(HttpContext context, DateTimeOffset until, TimeProvider time, ILogger logger, string what, string who)
    {
        var problem = Problems.TooMany(context, ProblemCodes.SignInLocked, until - time.GetUtcNow(),
            s => $"Too many failed sign-ins. Try again in {s} seconds.", out var seconds);
        logger.LogWarning("Sign-in locked for {What} {Who} for {Seconds} s after repeated failures", what, who, seconds);
        return TypedResults.Problem(problem);
    }

    /// <summary>Revokes every token issued to a user so far (a lost tablet, a staff member who left): they stop working at once.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokensAsync(string username, IGrainFactory grains, TokenRevocations revocations,
        HttpContext context, ILogger<TokenIssuer> logger)
    {
        if (!UsernamePattern().IsMatch(username) || !await grains.GetGrain<IUserGrain>(username).RevokeTokensAsync())
            return Problems.Result(context, StatusCodes.Status404NotFound, ProblemCodes.NotFound, $"There is no user '{username}'.");
        revocations.Forget(username);
        logger.LogInformation("Tokens of {User} revoked by {Admin}", username, context.User.Identity?.Name);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> CreateUserAsync(
        CreateUserRequest request, IGrainFactory grains, HttpContext context, ILogger<TokenIssuer> logger, CounterQueue.Silo.Offices.OfficeCatalog catalog)
    {
        var username = Validate.Required(request.Username, "username", 64);
        if (!UsernamePattern().IsMatch(username)) throw Validate.Invalid("'username' may use letters, digits, '.', '_' and '-' (up to 64).");
        var password = Validate.Required(request.Password, "password", 256);
        if (PasswordPolicy.Check(username, password) is { Count: > 0 } weak)
            return Problems.Result(context, StatusCodes.Status400BadRequest, ProblemCodes.WeakPassword, $"The password must have: {string.Join(", ", weak)}.");
        if (request.Roles is not { Count: > 0 } roles || roles.Any(r => !Roles.All.Contains(r)))
            throw Validate.Invalid($"'roles' must list one or more of: {string.Join(", ", Roles.All)}.");
        string? officeId = null, sectionId = null;
        if (request.OfficeId is not null)
        {
            var office = await catalog.RequireAsync(request.OfficeId);
            officeId = office.Id;
            if (request.SectionId is not null)
                sectionId = office.FindSection(request.SectionId)?.Id
                            ?? throw QueueRuleException.NotFound(ProblemCodes.SectionNotFound, $"Office '{office.Id}' has no section '{request.SectionId}'.");
        }
        else if (request.SectionId is not null) throw Validate.Invalid("'sectionId' needs the 'officeId' it belongs to.");
        if (!await grains.GetGrain<IUserGrain>(username).CreateAsync(password, roles, officeId, sectionId))
            return Problems.Result(context, StatusCodes.Status409Conflict, ProblemCodes.UserExists, $"User '{username}' already exists.");
        logger.LogInformation("User {User} created with roles {Roles}", username, roles);
        return TypedResults.Created($"/api/admin/users/{username}", new UserResponse(username, roles.Distinct().ToList()));
    }
}
