package dev.bloop.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every way a request can go wrong, on every resource family, answers in the one error shape
 * {@code {"error": "...", "field": "..."}} with JSON content type and the right status: malformed
 * JSON, a wrong content type, an unknown route, a wrong method, and an internal failure (a table the
 * resource reads taken away underneath the running server). Never Dropwizard's {@code {"code",
 * "message"}}, never a stack trace or a library's class name.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErrorShapesIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static WebSession admin;
    private static String token;

    @BeforeAll
    static void signIn() {
        admin = Ceremonies.registerFirstAdmin(BLOOP, "root", Ceremonies.passkey(BLOOP));
        token = BLOOP.token("all", "default", Scope.values());
    }

    /** A JSON-body route of each family, called with a session (people routes) or a token. */
    private static final String[][] JSON_ROUTES = {
        // method, path, session?
        {"POST", "/v1/alerts", "token"},
        {"PUT", "/v1/alerts/1", "token"},
        {"POST", "/v1/projects", "session"},
        {"PUT", "/v1/projects/default", "session"},
        {"POST", "/v1/projects/default/members", "session"},
        {"POST", "/v1/tokens", "session"},
        {"PUT", "/v1/admin/users/x/role", "session"},
        {"POST", "/v1/admin/invites", "session"},
        {"PUT", "/v1/admin/retention", "session"},
        {"POST", "/v1/admin/retention/purge", "session"},
        {"POST", "/auth/login/start", "none"},
        {"POST", "/auth/register/start", "none"},
        {"PUT", "/v1/projects/default/ingest", "session"},
        {"PUT", "/v1/projects/default/grouping", "token"},
        {"POST", "/v1/admin/dead-letters/replay", "session"},
    };

    @Test
    @Order(1)
    void malformedJsonIsA400InTheOneShape() {
        List<String> failures = new ArrayList<>();
        for (String[] r : JSON_ROUTES) {
            for (String body : List.of("{\"name\": ", "{\"name\": tru}", "[1,2", "{\"a\":1}}", "{\"a\":NaN}")) {
                HttpResponse<String> answer = call(r[0], r[1], r[2], "application/json", body);
                check(failures, r[0] + " " + r[1] + " " + body, answer, 400);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(2)
    void aWrongContentTypeIsA415InTheOneShape() {
        List<String> failures = new ArrayList<>();
        for (String[] r : JSON_ROUTES) {
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml")) {
                HttpResponse<String> answer = call(r[0], r[1], r[2], type, "name=x");
                check(failures, r[0] + " " + r[1] + " as " + type, answer, 415);
                if (answer.statusCode() == 415 && !"Content-Type".equals(field(answer))) {
                    failures.add(r[0] + " " + r[1] + " as " + type + ": field should name Content-Type: " + answer.body());
                }
            }
        }
        HttpResponse<String> upload = call("POST", "/v1/projects/default/sourcemaps", "token", "application/json", "{}");
        check(failures, "sourcemap upload as JSON", upload, 415);
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(3)
    void unknownRoutesAreA404InTheOneShape() {
        List<String> failures = new ArrayList<>();
        for (String path : List.of("/v1/nope", "/v1/errors/0123456789abcdef/nope", "/v1/alerts/1/nope",
                "/v1/projects/default/nope", "/v1/tokens/x/y", "/v1/admin/nope", "/v1/admin/retention/nope",
                "/auth/nope", "/v1/projects/default/sourcemaps/1/x", "/v1/releases/1.0/nope", "/health/nope",
                "/v1/projects/default/ingest/x", "/v1/projects/default/grouping/x", "/v1/admin/dead-letters/1/x",
                "/nope")) {
            check(failures, "GET " + path, call("GET", path, "token", null, null), 404);
            check(failures, "POST " + path, call("POST", path, "session", "application/json", "{}"), 404);
        }
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(4)
    void aWrongMethodIsA405InTheOneShape() {
        List<String> failures = new ArrayList<>();
        String[][] routes = {
            {"DELETE", "/v1/errors", "token"},
            {"PUT", "/v1/errors/0123456789abcdef/resolve", "token"},
            {"POST", "/v1/releases", "token"},
            {"PATCH", "/v1/alerts/1", "token"},
            {"PUT", "/v1/alerts/1/test", "token"},
            {"PATCH", "/v1/projects/default", "session"},
            {"PUT", "/v1/tokens", "session"},
            {"POST", "/v1/admin/users", "session"},
            {"DELETE", "/v1/admin/retention", "session"},
            {"GET", "/auth/logout", "none"},
            {"PUT", "/v1/projects/default/sourcemaps", "token"},
            {"POST", "/health", "none"},
            {"POST", "/v1/projects/default/ingest", "session"},
            {"DELETE", "/v1/projects/default/grouping", "token"},
            {"PUT", "/v1/admin/dead-letters", "session"},
            {"POST", "/v1/ingest/batch/x", "none"},
        };
        for (String[] r : routes) {
            HttpResponse<String> answer = call(r[0], r[1], r[2], r[0].equals("GET") ? null : "application/json",
                    r[0].equals("GET") ? null : "{}");
            if (r[1].startsWith("/v1/ingest")) {
                check(failures, r[0] + " " + r[1], answer, 404);
            } else {
                check(failures, r[0] + " " + r[1], answer, 405);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    @Order(5)
    void anInternalFailureIsA500ThatSaysNothingAboutItsCause() {
        String[][] cases = {
            // what breaks (a table taken away, or inserts silently dropped), method, path, caller, body
            {"table error_groups", "GET", "/v1/errors", "token", null},
            {"table error_groups", "POST", "/v1/errors/0123456789abcdef/resolve", "token", null},
            {"table group_counts", "GET", "/v1/releases", "token", null},
            {"table alert_rules", "GET", "/v1/alerts", "token", null},
            {"inserts alert_rules", "POST", "/v1/alerts", "token", "{\"name\":\"x\",\"config\":{\"type\":\"new_issue\"}}"},
            {"inserts source_maps", "POST", "/v1/projects/default/sourcemaps", "token", "upload"},
            {"table projects", "GET", "/v1/projects", "session", null},
            {"table api_tokens", "GET", "/v1/tokens", "session", null},
            {"table invites", "GET", "/v1/admin/invites", "session", null},
            {"table purge_runs", "GET", "/v1/admin/retention", "session", null},
            {"table source_maps", "GET", "/v1/projects/default/sourcemaps", "token", null},
            {"table sessions", "GET", "/auth/status", "session", null},
            {"table ingest_ledger", "GET", "/v1/projects/default/ingest", "session", null},
            {"table grouping_rules", "PUT", "/v1/projects/default/grouping", "token", "{\"in_app_include\":[\"com.acme\"]}"},
            {"table dead_letters", "GET", "/v1/admin/dead-letters", "session", null},
        };
        List<String> failures = new ArrayList<>();
        for (String[] c : cases) {
            String[] what = c[0].split(" ");
            String table = what[1];
            String breakIt = what[0].equals("table") ? "ALTER TABLE " + table + " RENAME TO gone_" + table
                    : "CREATE TRIGGER drop_inserts BEFORE INSERT ON " + table + " BEGIN SELECT RAISE(IGNORE); END";
            String repair = what[0].equals("table") ? "ALTER TABLE gone_" + table + " RENAME TO " + table
                    : "DROP TRIGGER drop_inserts";
            BLOOP.withDatabase(db -> db.writer().useHandle(h -> h.execute(breakIt)));
            try {
                HttpResponse<String> answer = "upload".equals(c[4]) ? upload()
                        : call(c[1], c[2], c[3], c[4] == null ? null : "application/json", c[4]);
                check(failures, c[1] + " " + c[2] + " with broken " + c[0], answer, 500);
                if (answer.body().contains(table) || answer.body().toLowerCase(java.util.Locale.ROOT).contains("sql")) {
                    failures.add(c[2] + " describes the failure: " + answer.body());
                }
            } finally {
                BLOOP.withDatabase(db -> db.writer().useHandle(h -> h.execute(repair)));
            }
        }
        assertThat(failures).isEmpty();
        assertThat(call("GET", "/v1/errors", "token", null, null).statusCode()).as("recovered").isEqualTo(200);
    }

    /** A real source map upload, as CI sends it. */
    private static HttpResponse<String> upload() {
        byte[] map;
        try (java.io.InputStream in = ErrorShapesIT.class.getResourceAsStream("/sourcemaps/app.min.js.map")) {
            map = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        dev.bloop.service.sourcemap.Multipart form = dev.bloop.service.sourcemap.Multipart.sourceMap("1.0.0",
                "app.min.js.map", map);
        return send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/projects/default/sourcemaps")))
                .header("Authorization", "Bearer " + token).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())), "POST", "upload");
    }

    private static void check(List<String> failures, String what, HttpResponse<String> r, int status) {
        String problem = shapeProblem(r, status);
        if (problem != null) {
            failures.add(what + ": " + problem + " -> " + r.statusCode() + " " + r.headers().firstValue("Content-Type")
                    .orElse("") + " " + r.body());
        }
    }

    /** Null when the answer is the API's error shape with the expected status. */
    private static String shapeProblem(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            return "status";
        }
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            return "content type";
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (Exception e) {
            return "not JSON";
        }
        if (body == null || !body.isObject() || !body.path("error").isTextual() || body.get("error").asText().isBlank()) {
            return "no error sentence";
        }
        for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!List.of("error", "field", "scope", "errors").contains(f)) {
                return "unexpected key " + f;
            }
        }
        String text = r.body();
        for (String internal : List.of("com.fasterxml", "jackson", "Jackson", "jakarta.", "org.glassfish", "org.eclipse",
                "java.", "Exception", "JsonReadFeature", "\tat ")) {
            if (text.contains(internal)) {
                return "names a library internal (" + internal + ")";
            }
        }
        return null;
    }

    private static String field(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body()).path("field").asText(null);
        } catch (Exception e) {
            return null;
        }
    }

    private static HttpResponse<String> call(String method, String path, String caller, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BLOOP.url(path))).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        switch (caller) {
            case "token" -> b.header("Authorization", "Bearer " + token);
            case "session" -> b.header("Cookie", "bloop_session=" + admin.cookie()).header("Origin", admin.origin());
            default -> b.header("Origin", admin.origin());
        }
        return send(b, method, path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b, String method, String path) {
        // A client of its own per request: many of these requests are refused before their body is read,
        // after which Jetty may close the connection, and a pooled connection reused at that moment
        // would fail the next request for a reason that has nothing to do with what is tested here.
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            return client.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError(method + " " + path + " got no answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
