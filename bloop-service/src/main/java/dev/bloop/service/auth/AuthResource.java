package dev.bloop.service.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.AuthStatus;
import dev.bloop.api.Done;
import dev.bloop.api.Passkeys.Finish;
import dev.bloop.api.Passkeys.InviteStart;
import dev.bloop.api.Passkeys.LoginChallenge;
import dev.bloop.api.Passkeys.LoginStart;
import dev.bloop.api.Passkeys.RegistrationChallenge;
import dev.bloop.api.Passkeys.RegisterStart;
import dev.bloop.api.SignedIn;
import dev.bloop.api.UserInfo;
import dev.bloop.service.access.User;
import dev.bloop.service.web.ApiProblem;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * The public passkey routes under {@code /auth}. Start routes answer {@code {"challenge_id", "publicKey"}};
 * finish routes take {@code {"challenge_id", "credential"}} (the browser's PublicKeyCredential as JSON)
 * and answer with the signed-in user, setting the session cookie. The first admin's
 * start also needs the setup code: {@code "setup_code"} (or {@code "code"}) in the body, or the
 * {@code X-Setup-Code} header.
 */
@Path("/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AuthResource {
    static final String BODY = "request body must be a JSON object";
    private final PasskeyAuth auth;
    private final Sessions sessions;
    private final RelyingParty rp;
    private final ObjectMapper json;

    AuthResource(PasskeyAuth auth, Sessions sessions, RelyingParty rp, ObjectMapper json) {
        this.auth = auth;
        this.sessions = sessions;
        this.rp = rp;
        this.json = json;
    }

    /** Whether setup is done, and who is signed in (with the session's CSRF token) when anyone is. */
    @GET
    @Path("/status")
    public AuthStatus status(@Context HttpHeaders headers) {
        String cookie = sessionCookie(headers);
        Optional<Sessions.Active> active = sessions.find(cookie);
        return new AuthStatus(auth.setupComplete(), active.isPresent(), active.map(a -> info(a.user())).orElse(null),
                active.map(Sessions.Active::csrfToken).orElse(null), active.map(Sessions.Active::expiresAt).orElse(null),
                rp.id());
    }

    @POST
    @Path("/register/start")
    public RegistrationChallenge registerStart(@NotNull(message = BODY) RegisterStart body,
                                   @HeaderParam("X-Setup-Code") String codeHeader) {
        String code = body.setupCode();
        return auth.startFirstAdmin(body.username(), code != null ? code : codeHeader);
    }

    @POST
    @Path("/register/finish")
    @ApiResponse(responseCode = "200", description = "signed in; the session cookie is set",
            content = @Content(schema = @Schema(implementation = SignedIn.class)))
    public Response registerFinish(@NotNull(message = BODY) @Valid Finish body) {
        return signedIn(auth.finishFirstAdmin(body.challengeId(), credential(body)));
    }

    @POST
    @Path("/invite/register/start")
    public RegistrationChallenge inviteStart(@NotNull(message = BODY) InviteStart body) {
        return auth.startInvite(body.username(), body.inviteToken());
    }

    @POST
    @Path("/invite/register/finish")
    @ApiResponse(responseCode = "200", description = "signed in; the session cookie is set",
            content = @Content(schema = @Schema(implementation = SignedIn.class)))
    public Response inviteFinish(@NotNull(message = BODY) @Valid Finish body) {
        return signedIn(auth.finishInvite(body.challengeId(), credential(body)));
    }

    @POST
    @Path("/login/start")
    public LoginChallenge loginStart(LoginStart body) {
        return auth.startLogin(body == null ? null : body.username());
    }

    @POST
    @Path("/login/finish")
    @ApiResponse(responseCode = "200", description = "signed in; the session cookie is set",
            content = @Content(schema = @Schema(implementation = SignedIn.class)))
    public Response loginFinish(@NotNull(message = BODY) @Valid Finish body) {
        return signedIn(auth.finishLogin(body.challengeId(), credential(body)));
    }

    /**
     * Deletes the session named by the cookie (if any) and clears the cookie. Ending a live session is
     * a change like any other: it needs an allowed {@code Origin} or the session's CSRF token (403
     * otherwise, so another site cannot sign people out); without a live session it is a plain 200.
     */
    @POST
    @Path("/logout")
    @Consumes(MediaType.WILDCARD)
    @ApiResponse(responseCode = "200", description = "signed out; the session cookie is cleared",
            content = @Content(schema = @Schema(implementation = Done.class)))
    public Response logout(@Context HttpHeaders headers) {
        String cookie = sessionCookie(headers);
        Optional<Sessions.Active> active = sessions.find(cookie);
        if (active.isPresent() && !ApiAuth.sameOrigin(rp, headers.getHeaderString("Origin"),
                headers.getHeaderString(ApiAuth.CSRF_HEADER), active.get())) {
            throw ApiAuth.crossSite();
        }
        sessions.delete(cookie);
        return Response.ok(Done.ok())
                .header(HttpHeaders.SET_COOKIE, cookie("", 0))
                .build();
    }

    private Response signedIn(PasskeyAuth.SignedIn in) {
        SignedIn out = new SignedIn("ok", info(in.user()), in.session().csrfToken(), in.session().expiresAt());
        return Response.ok(out)
                .header(HttpHeaders.SET_COOKIE, cookie(in.session().token(), sessions.ttl().toSeconds()))
                .build();
    }

    private String cookie(String value, long maxAgeSeconds) {
        return rp.sessionCookie() + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (rp.secureCookies() ? "; Secure" : "");
    }

    private String sessionCookie(HttpHeaders headers) {
        jakarta.ws.rs.core.Cookie c = headers.getCookies().get(rp.sessionCookie());
        return c == null ? null : c.getValue();
    }

    static UserInfo info(User user) {
        return new UserInfo(user.id(), user.username(), user.admin(), user.createdAt());
    }

    /** The credential as the browser serialised it; an object or a JSON string are both accepted. */
    private String credential(Finish body) {
        var c = body.credential();
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isObject()) {
            throw ApiProblem.badRequest("credential must be a JSON object", "credential");
        }
        try {
            return json.writeValueAsString(c);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiProblem.badRequest("credential is not valid JSON", "credential");
        }
    }
}
