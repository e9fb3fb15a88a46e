package dev.bloop.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.access.Scope;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.SoftPasskey;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two bloop nodes on one PostgreSQL database, as behind a load balancer (one origin for both): a
 * passkey ceremony started on one finishes on the other, and its session works on both; a change
 * made through one node (a revoked token, a rotated key) is seen by the other within the stated
 * bound; scheduled jobs run on one node; alerts fire once whichever node took the events.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT {
    static {
        ConsoleCapture.install();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN = "https://bloop.example.com";
    /** PostgresNodes' poll interval plus a generous margin for a loaded CI machine. */
    private static final long CHANGE_BOUND_MS = 2_000;
    private static final List<JsonNode> HOOKS = new CopyOnWriteArrayList<>();
    private static final HttpServer RECEIVER = receiver();
    private static final String DATABASE = BloopTestApp.newPostgresDatabase();
    private static final BloopTestApp A = BloopTestApp.onPostgres(DATABASE, node());
    private static final BloopTestApp B = BloopTestApp.onPostgres(DATABASE, node());
    static final DropwizardAppExtension<BloopConfiguration> APP_A = A.extension();
    static final DropwizardAppExtension<BloopConfiguration> APP_B = B.extension();
    private static String cookie;

    private static Map<String, String> node() {
        return Map.of("BLOOP__AUTH__RP_ID", "bloop.example.com", "BLOOP__AUTH__ORIGINS", ORIGIN,
                "BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true",
                "BLOOP__ALERTING__EVALUATION_INTERVAL", "300ms");
    }

    private static HttpServer receiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                HOOKS.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop(0);
    }

    private static HttpResponse<String> asAdmin(BloopTestApp node, String method, String path, String body) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(node.url(path)))
                .header("Cookie", "__Host-bloop_session=" + cookie).header("Origin", ORIGIN)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    private static HttpResponse<String> withToken(BloopTestApp node, String token, String method, String path,
                                                  String body) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(node.url(path)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** Milliseconds until {@code status} answers {@code expected}; fails past the bound. */
    private static long millisUntil(IntSupplier status, int expected) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            int got = status.getAsInt();
            long took = (System.nanoTime() - start) / 1_000_000;
            if (got == expected) {
                return took;
            }
            assertThat(took).as("answered %d instead of %d for longer than the bound", got, expected)
                    .isLessThan(CHANGE_BOUND_MS);
            Thread.sleep(20);
        }
    }

    private static HttpResponse<String> ingest(BloopTestApp node, String key, String secret, String body) {
        return node.post("/v1/ingest", body, Map.of("Content-Type", "application/json", "X-Project-Key", key,
                "X-Signature", Signatures.sign(secret, body)));
    }

    private static String event(String environment, String message) {
        return "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"api\",\"environment\":\""
                + environment + "\",\"release\":\"1.0\",\"error_type\":\"NodeError\",\"message\":\"" + message + "\"}";
    }

    @Test
    @Order(1)
    void aPasskeyCeremonyStartedOnOneNodeFinishesOnTheOtherAndItsSessionWorksOnBoth() throws Exception {
        // Each node prints its own setup code, which that node accepts: whichever node took the code
        // read from the log starts the ceremony, and the other finishes it.
        String code = ConsoleCapture.awaitLast(Pattern.compile("Open " + Pattern.quote(ORIGIN)
                + "/ and create the first admin with this one-time setup code: ([A-Z0-9]+)"), null);
        SoftPasskey key = new SoftPasskey(ORIGIN).rpId("bloop.example.com");
        Map<String, Object> registration = Map.of("username", "ann", "setup_code", code);
        BloopTestApp starter = A;
        BloopTestApp finisher = B;
        HttpResponse<String> started = Ceremonies.start(starter, "/auth/register/start", registration);
        if (started.statusCode() == 403) {
            starter = B;
            finisher = A;
            started = Ceremonies.start(starter, "/auth/register/start", registration);
        }
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        JsonNode s = json(started);
        Map<String, Object> credential = key.create(JSON.convertValue(s.get("publicKey"), Map.class));
        HttpResponse<String> finished = Ceremonies.start(finisher, "/auth/register/finish",
                Map.of("challenge_id", s.get("challenge_id").asText(), "credential", credential));
        assertThat(finished.statusCode()).as("finished on the other node: " + finished.body()).isEqualTo(200);
        String setCookie = finished.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));

        assertThat(asAdmin(A, "GET", "/v1/projects", null).statusCode()).isEqualTo(200);
        assertThat(asAdmin(B, "GET", "/v1/projects", null).statusCode()).isEqualTo(200);

        // And a sign-in: started on A, answered on B.
        HttpResponse<String> login = Ceremonies.start(A, "/auth/login/start", Map.of());
        JsonNode l = json(login);
        Map<String, Object> assertion = key.get(JSON.convertValue(l.get("publicKey"), Map.class));
        HttpResponse<String> signedIn = Ceremonies.start(B, "/auth/login/finish",
                Map.of("challenge_id", l.get("challenge_id").asText(), "credential", assertion));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        HttpResponse<String> replayed = Ceremonies.start(A, "/auth/login/finish",
                Map.of("challenge_id", l.get("challenge_id").asText(), "credential", assertion));
        assertThat(replayed.statusCode()).as("a challenge is used once, on whichever node").isEqualTo(400);
    }

    @Test
    @Order(2)
    void aTokenRevokedThroughOneNodeStopsWorkingOnTheOtherWithinTheBound() throws Exception {
        HttpResponse<String> created = asAdmin(A, "POST", "/v1/tokens",
                "{\"name\":\"ci\",\"project_id\":\"default\",\"scopes\":[\"errors:read\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String token = json(created).get("token").asText();
        assertThat(withToken(B, token, "GET", "/v1/errors", null).statusCode()).as("cached by B").isEqualTo(200);

        assertThat(asAdmin(A, "DELETE", "/v1/tokens/" + json(created).get("id").asText(), null).statusCode())
                .isEqualTo(200);
        long took = millisUntil(() -> withToken(B, token, "GET", "/v1/errors", null).statusCode(), 401);
        assertThat(took).isLessThan(CHANGE_BOUND_MS);
    }

    @Test
    @Order(3)
    void aKeyRotatedThroughOneNodeStopsWorkingOnTheOtherWithinTheBound() throws Exception {
        JsonNode project = json(asAdmin(A, "POST", "/v1/projects", "{\"name\":\"Mobile\",\"slug\":\"mobile\"}"));
        String oldKey = project.get("ingest_key").asText();
        String oldSecret = project.get("ingest_secret").asText();
        assertThat(ingest(B, oldKey, oldSecret, event("prod", "before rotation")).statusCode()).isEqualTo(200);

        HttpResponse<String> rotated = asAdmin(A, "POST", "/v1/projects/mobile/rotate-key", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        millisUntil(() -> ingest(B, oldKey, oldSecret, event("prod", "after rotation")).statusCode(), 401);
        assertThat(ingest(B, json(rotated).get("ingest_key").asText(), json(rotated).get("ingest_secret").asText(),
                event("prod", "new key")).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void eachScheduledJobRunsOnOneNodeAndAlertsFireOnceWhicheverNodeTookTheEvents() throws Exception {
        String token = A.token("alerts", "default", Scope.ALERTS_WRITE, Scope.ERRORS_READ);
        String hook = "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/hook";
        long newIssue = json(withToken(A, token, "POST", "/v1/alerts",
                "{\"name\":\"new\",\"environment_filter\":\"nodes\",\"config\":{\"type\":\"new_issue\"}}")).get("id").asLong();
        withToken(A, token, "POST", "/v1/alerts/" + newIssue + "/channels", "{\"type\":\"webhook\",\"url\":\"" + hook + "\"}");
        // Created through A: B's alert engine must know it too (it may take the first event).
        long threshold = json(withToken(A, token, "POST", "/v1/alerts", "{\"name\":\"five\",\"environment_filter\":"
                + "\"nodes\",\"cooldown_secs\":3600,\"config\":{\"type\":\"threshold\",\"threshold\":5,\"window_secs\":300}}"))
                .get("id").asLong();
        withToken(A, token, "POST", "/v1/alerts/" + threshold + "/channels", "{\"type\":\"webhook\",\"url\":\"" + hook + "\"}");

        // The same new issue reaches both nodes at once, then three more events each: six in all.
        String body = event("nodes", "seen by both nodes");
        Thread other = new Thread(() -> B.ingest("/v1/ingest", body));
        other.start();
        assertThat(A.ingest("/v1/ingest", body).statusCode()).isEqualTo(200);
        other.join();
        for (int i = 0; i < 2; i++) {
            assertThat(A.ingest("/v1/ingest", event("nodes", "seen by both nodes")).statusCode()).isEqualTo(200);
            assertThat(B.ingest("/v1/ingest", event("nodes", "seen by both nodes")).statusCode()).isEqualTo(200);
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && HOOKS.size() < 2) {
            Thread.sleep(50);
        }
        Thread.sleep(2_000); // any duplicate would arrive in this time
        assertThat(HOOKS).extracting(h -> h.get("rule").get("name").asText())
                .as("one new-issue alert and one threshold alert across both nodes")
                .containsExactlyInAnyOrder("new", "five");
        assertThat(A.count("SELECT sum(total_count) FROM error_groups WHERE fingerprint IN (SELECT fingerprint FROM "
                + "raw_events WHERE environment = 'nodes')")).isEqualTo(6);

        List<String> jobsA = jobs(A);
        List<String> jobsB = jobs(B);
        assertThat(jobsA.contains("alert-windows") ^ jobsB.contains("alert-windows"))
                .as("alert windows kept by exactly one node: A %s, B %s", jobsA, jobsB).isTrue();
    }

    private static List<String> jobs(BloopTestApp node) throws Exception {
        JsonNode jobs = json(node.get(node.url("/health"))).get("jobs");
        return jobs == null ? List.of() : JSON.convertValue(jobs, List.class);
    }
}
