package dev.bloop.service.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopTestApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A signed-in dashboard user over HTTP: sends the {@code bloop_session} cookie and, like a browser on
 * the dashboard's page, the page's {@code Origin}.
 */
public record WebSession(BloopTestApp app, String cookie, String csrfToken, JsonNode user) {
    static final ObjectMapper JSON = new ObjectMapper();

    public String origin() {
        return "http://localhost:" + app.extension().getLocalPort();
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null, true);
    }

    public HttpResponse<String> post(String path, String body) {
        return send("POST", path, body, true);
    }

    public HttpResponse<String> put(String path, String body) {
        return send("PUT", path, body, true);
    }

    public HttpResponse<String> delete(String path) {
        return send("DELETE", path, null, true);
    }

    /** Without an Origin header, as a cross-site form or a script on another site would send it. */
    public HttpResponse<String> postWithoutOrigin(String path, String body) {
        return send("POST", path, body, false);
    }

    public HttpResponse<String> send(String method, String path, String body, boolean withOrigin) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url(path)))
                .timeout(Duration.ofSeconds(20))
                .header("Cookie", "bloop_session=" + cookie)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (withOrigin) {
            b.header("Origin", origin());
        }
        return BloopTestApp.send(b.build());
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }
}
