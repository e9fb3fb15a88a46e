package dev.bloop.service.auth;

import static dev.bloop.service.web.JsonBodies.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.web.ApiProblem;
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
import java.util.LinkedHashMap;
import java.util.Map;
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
    public Map<String, Object> status(@Context HttpHeaders headers) {
        String cookie = sessionCookie(headers);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("setup_complete", auth.setupComplete());
        Optional<Sessions.Active> active = sessions.find(cookie);
        out.put("authenticated", active.isPresent());
        active.ifPresent(a -> {
            out.put("user", a.user());
            out.put("csrf_token", a.csrfToken());
            out.put("expires_at", a.expiresAt());
        });
        out.put("rp_id", rp.id());
        return out;
    }

    @POST
    @Path("/register/start")
    public PasskeyAuth.Started registerStart(JsonNode body, @HeaderParam("X-Setup-Code") String codeHeader) {
        String code = text(body, "setup_code");
        if (code == null) {
            code = text(body, "code");
        }
        return auth.startFirstAdmin(text(body, "username"), code != null ? code : codeHeader);
    }

    @POST
    @Path("/register/finish")
    public Response registerFinish(JsonNode body) {
        return signedIn(auth.finishFirstAdmin(text(body, "challenge_id"), credential(body)));
    }

    @POST
    @Path("/invite/register/start")
    public PasskeyAuth.Started inviteStart(JsonNode body) {
        return auth.startInvite(text(body, "username"), text(body, "invite_token"));
    }

    @POST
    @Path("/invite/register/finish")
    public Response inviteFinish(JsonNode body) {
        return signedIn(auth.finishInvite(text(body, "challenge_id"), credential(body)));
    }

    @POST
    @Path("/login/start")
    public PasskeyAuth.Started loginStart(JsonNode body) {
        return auth.startLogin(body == null || body.isNull() ? null : text(body, "username"));
    }

    @POST
    @Path("/login/finish")
    public Response loginFinish(JsonNode body) {
        return signedIn(auth.finishLogin(text(body, "challenge_id"), credential(body)));
    }

    /**
     * Deletes the session named by the cookie (if any) and clears the cookie. Ending a live session is
     * a change like any other: it needs an allowed {@code Origin} or the session's CSRF token (403
     * otherwise, so another site cannot sign people out); without a live session it is a plain 200.
     */
    @POST
    @Path("/logout")
    @Consumes(MediaType.WILDCARD)
    public Response logout(@Context HttpHeaders headers) {
        String cookie = sessionCookie(headers);
        Optional<Sessions.Active> active = sessions.find(cookie);
        if (active.isPresent() && !ApiAuth.sameOrigin(rp, headers.getHeaderString("Origin"),
                headers.getHeaderString(ApiAuth.CSRF_HEADER), active.get())) {
            throw ApiAuth.crossSite();
        }
        sessions.delete(cookie);
        return Response.ok(Map.of("status", "ok"))
                .header(HttpHeaders.SET_COOKIE, cookie("", 0))
                .build();
    }

    private Response signedIn(PasskeyAuth.SignedIn in) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "ok");
        out.put("user", in.user());
        out.put("csrf_token", in.session().csrfToken());
        out.put("expires_at", in.session().expiresAt());
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

    /** The credential as the browser serialised it; an object or a JSON string are both accepted. */
    private String credential(JsonNode body) {
        JsonNode c = body == null ? null : body.get("credential");
        if (c == null || c.isNull()) {
            throw ApiProblem.badRequest("credential is required: the PublicKeyCredential as JSON", "credential");
        }
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
