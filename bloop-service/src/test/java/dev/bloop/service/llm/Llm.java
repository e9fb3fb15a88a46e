package dev.bloop.service.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopTestApp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Test helpers for the LLM module: a running bloop with tracing on, signed trace ingest, the query API. */
final class Llm {
    static final ObjectMapper JSON = new ObjectMapper();

    private Llm() {
    }

    /** LLM tracing on, every queued trace committed at once (a batch of one). */
    static BloopTestApp app(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("BLOOP__LLM_TRACING__ENABLED", "true",
                "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE", "1"));
        env.putAll(more);
        return new BloopTestApp(env);
    }

    /** Signed with the default project's secret. */
    static HttpResponse<String> post(BloopTestApp app, String path, String body) {
        return app.post(path, body, Map.of("Content-Type", "application/json",
                "X-Signature", Signatures.sign(BloopTestApp.SECRET, body)));
    }

    /** Signed with a project's key and secret. */
    static HttpResponse<String> post(BloopTestApp app, String path, String body, String key, String secret) {
        return app.post(path, body, Map.of("Content-Type", "application/json", "X-Project-Key", key,
                "X-Signature", Signatures.sign(secret, body)));
    }

    static HttpResponse<String> put(BloopTestApp app, String path, String body, String key, String secret) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url(path))).timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json")
                .header("X-Signature", Signatures.sign(secret == null ? BloopTestApp.SECRET : secret, body));
        if (key != null) {
            b.header("X-Project-Key", key);
        }
        return BloopTestApp.send(b.build());
    }

    static HttpResponse<String> get(BloopTestApp app, String path, String token) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(app.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    static HttpResponse<String> putJson(BloopTestApp app, String path, String token, String body) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(app.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    /** GETs until the answer satisfies {@code done}, failing after 15 s. */
    static JsonNode await(BloopTestApp app, String path, String token, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(app, path, token);
            if (r.statusCode() == 200) {
                last = json(r);
                if (done.test(last)) {
                    return last;
                }
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("gave up waiting on " + path + "; last answer: " + last);
    }
}
