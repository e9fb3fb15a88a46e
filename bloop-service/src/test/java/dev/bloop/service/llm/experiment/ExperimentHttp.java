package dev.bloop.service.llm.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopTestApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Test helpers: a bloop with LLM tracing on, a project with a token, bearer calls and signed trace ingest. */
final class ExperimentHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A project's ingest key and secret and a token of it. */
    record Project(String id, String key, String secret, String token) {}

    private ExperimentHttp() {}

    static BloopTestApp app() {
        return new BloopTestApp(Map.of("BLOOP__LLM_TRACING__ENABLED", "true", "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE",
                "50"));
    }

    static Project project(BloopTestApp app, String id, dev.bloop.service.access.Scope... scopes) {
        app.addProject(id, id, "bloop_pk_" + id, "bloop_sk_" + id + "_secret_0000");
        return new Project(id, "bloop_pk_" + id, "bloop_sk_" + id + "_secret_0000", app.token(id, id, scopes));
    }

    static HttpResponse<String> call(BloopTestApp app, String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url(path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return BloopTestApp.send(b.build());
    }

    static HttpResponse<String> traces(BloopTestApp app, Project p, List<String> traces) {
        String body = "{\"traces\":[" + String.join(",", traces) + "]}";
        return app.post("/v1/traces/batch", body, Map.of("Content-Type", "application/json", "X-Project-Key", p.key(),
                "X-Signature", Signatures.sign(p.secret(), body)));
    }

    static HttpResponse<String> trace(BloopTestApp app, Project p, String trace) {
        return app.post("/v1/traces", trace, Map.of("Content-Type", "application/json", "X-Project-Key", p.key(),
                "X-Signature", Signatures.sign(p.secret(), trace)));
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }
}
