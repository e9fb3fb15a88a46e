package dev.bloop.service.llm.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Test helpers for trace exchange: a bloop with LLM tracing on, projects with tokens, raw posts, waiting for traces. */
final class Exchanges {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger PROJECTS = new AtomicInteger();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Exchanges() {
    }

    /** A project of its own: id, ingest key, secret, a token with llm:write and llm:read. */
    record Project(String id, String key, String secret, String token) {
    }

    static BloopTestApp app(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("BLOOP__LLM_TRACING__ENABLED", "true",
                "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE", "1"));
        env.putAll(more);
        return new BloopTestApp(env);
    }

    static Project project(BloopTestApp app, String prefix) {
        int n = PROJECTS.incrementAndGet();
        String id = "p-" + prefix + "-" + n;
        String key = "bloop_pk_" + prefix + "_" + n;
        String secret = "bloop_sk_" + prefix + "_secret_" + n;
        app.addProject(id, prefix + "-" + n, key, secret);
        return new Project(id, key, secret, app.token(prefix, id, Scope.LLM_WRITE, Scope.LLM_READ));
    }

    static HttpResponse<byte[]> post(BloopTestApp app, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url(path))).timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError("POST " + path + " failed", e);
        }
    }

    static HttpResponse<String> get(BloopTestApp app, String path, String token) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(app.url(path))).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token).GET().build());
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    static JsonNode json(byte[] body) {
        return json(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** GETs until the answer is 200 and satisfies {@code done}, failing after 20 s. */
    static JsonNode await(BloopTestApp app, String path, String token, Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get(app, path, token);
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200) {
                JsonNode n = json(r.body());
                if (done.test(n)) {
                    return n;
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

    /** The span of this name anywhere in a trace detail's tree. */
    static JsonNode span(JsonNode spans, String name) {
        for (JsonNode s : spans) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
            JsonNode inner = span(s.get("children"), name);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }
}
