package dev.bloop.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The passkey ceremonies over HTTP, driven by a {@link SoftPasskey}, as the dashboard's script runs them. */
public final class Ceremonies {
    private Ceremonies() {
    }

    /** The setup code this app printed at start-up. */
    public static String setupCode(BloopTestApp app) {
        int port = app.extension().getLocalPort();
        return ConsoleCapture.awaitLast(Pattern.compile("localhost:" + port
                + "/ and create the first admin with this one-time setup code: ([A-Z0-9]+)"), null);
    }

    public static SoftPasskey passkey(BloopTestApp app) {
        return new SoftPasskey("http://localhost:" + app.extension().getLocalPort());
    }

    public static HttpResponse<String> start(BloopTestApp app, String path, Map<String, Object> body) {
        return app.post(path, write(body), Map.of("Content-Type", "application/json"));
    }

    /** Runs start then finish; returns the finish response. */
    public static HttpResponse<String> run(BloopTestApp app, String kind, Map<String, Object> startBody,
                                           SoftPasskey key) {
        HttpResponse<String> started = start(app, "/auth/" + kind + "/start", startBody);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode s = WebSession.json(started);
        Map<String, Object> publicKey = WebSession.JSON.convertValue(s.get("publicKey"), new TypeReference<>() {
        });
        Map<String, Object> credential = kind.equals("login") ? key.get(publicKey)
                : key.create(publicKey);
        Map<String, Object> finish = new LinkedHashMap<>();
        finish.put("challenge_id", s.get("challenge_id").asText());
        finish.put("credential", credential);
        return start(app, "/auth/" + kind + "/finish", finish);
    }

    public static WebSession registerFirstAdmin(BloopTestApp app, String username, SoftPasskey key) {
        return session(app, run(app, "register", Map.of("username", username, "setup_code", setupCode(app)), key));
    }

    public static WebSession login(BloopTestApp app, SoftPasskey key) {
        return session(app, run(app, "login", Map.of(), key));
    }

    public static WebSession join(BloopTestApp app, String inviteToken, String username, SoftPasskey key) {
        return session(app, run(app, "invite/register", Map.of("username", username, "invite_token", inviteToken),
                key));
    }

    /** An invite to a project (by slug or id), created by an admin. */
    public static String invite(WebSession admin, String project) {
        HttpResponse<String> r = admin.post("/v1/admin/invites",
                project == null ? "{}" : "{\"project_id\":\"" + project + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return WebSession.json(r).get("token").asText();
    }

    public static WebSession session(BloopTestApp app, HttpResponse<String> finished) {
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
        String setCookie = finished.headers().firstValue("Set-Cookie").orElseThrow();
        String value = setCookie.substring("bloop_session=".length(), setCookie.indexOf(';'));
        JsonNode body = WebSession.json(finished);
        return new WebSession(app, value, body.get("csrf_token").asText(), body.get("user"));
    }

    static String write(Object o) {
        try {
            return WebSession.JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
