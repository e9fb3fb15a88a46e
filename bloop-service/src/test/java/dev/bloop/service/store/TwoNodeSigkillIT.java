package dev.bloop.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ChildServer;
import dev.bloop.service.access.Scope;
import dev.bloop.service.token.TokenService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Two bloop processes on one PostgreSQL, load spread over both, the one running the alert windows
 * killed with SIGKILL mid-load: every event either node acknowledged (ack mode {@code committed})
 * is stored and counted once, the job moves to the survivor within a bound, and each new issue is
 * announced exactly once across both nodes, before and after the kill.
 */
class TwoNodeSigkillIT {
    private static final String SECRET = "two-nodes-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The alert evaluation interval here (300 ms), a lock released at the kill, and a loaded machine. */
    private static final long HANDOVER_BOUND_MS = 5_000;

    /** Twenty issue names (digits would be normalized away by grouping: "issue 1" and "issue 2" are one issue). */
    private static final List<String> ISSUES = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
            "hotel", "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
            "sierra", "tango");

    private final List<JsonNode> hooks = new CopyOnWriteArrayList<>();

    @Test
    void aNodeKilledMidLoadLosesNoAcknowledgedEventItsJobMovesAndAlertsFireOnce() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            hooks.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String url = BloopTestApp.newPostgresDatabase();
        Map<String, String> env = Map.of("BLOOP__DATABASE__TYPE", "postgres", "BLOOP__DATABASE__URL", url,
                "BLOOP__DATABASE__USER", "postgres", "BLOOP__DATABASE__PASSWORD", "postgres",
                "BLOOP__INGEST__ACK", "committed",
                "BLOOP__PIPELINE__FLUSH_INTERVAL", "100ms", "BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true",
                "BLOOP__ALERTING__EVALUATION_INTERVAL", "300ms");
        try (ChildServer one = ChildServer.start(Files.createTempDirectory("bloop-node1"), SECRET, env);
             ChildServer two = ChildServer.start(Files.createTempDirectory("bloop-node2"), SECRET, env)) {
            ChildServer[] nodes = {one, two};
            String token = token(url);
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            long rule = json(call(one, token, "POST", "/v1/alerts", "{\"name\":\"new\",\"config\":{\"type\":\"new_issue\"}}"))
                    .get("id").asLong();
            assertThat(call(one, token, "POST", "/v1/alerts/" + rule + "/channels",
                    "{\"type\":\"webhook\",\"url\":\"" + hook + "\"}").statusCode()).isEqualTo(201);

            // Twenty issues, each sent to both nodes: each is announced once.
            for (int i = 0; i < 20; i++) {
                assertThat(ingest(one, "issue " + ISSUES.get(i), "warm-1-" + i)).isEqualTo(200);
                assertThat(ingest(two, "issue " + ISSUES.get(i), "warm-2-" + i)).isEqualTo(200);
            }
            awaitHooks(20);

            ChildServer leader = awaitLeader(nodes);
            ChildServer survivor = leader == one ? two : one;

            Map<ChildServer, Set<String>> acknowledged = Map.of(one, ConcurrentHashMap.newKeySet(),
                    two, ConcurrentHashMap.newKeySet());
            AtomicBoolean go = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                ChildServer node = nodes[t % 2];
                int client = t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; go.get(); i++) {
                        String id = "c" + client + "-" + i;
                        try {
                            if (ingest(node, "issue " + ISSUES.get(i % 20), id) == 200) {
                                acknowledged.get(node).add(id);
                            }
                        } catch (Exception e) {
                            return; // that node is gone
                        }
                    }
                });
                thread.start();
                clients.add(thread);
            }
            Thread.sleep(2_000);
            leader.process().destroyForcibly(); // SIGKILL: no shutdown hook, no drain, no goodbye to PostgreSQL
            long killedAt = System.nanoTime();
            assertThat(leader.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            long handover = awaitJob(survivor, killedAt);
            Thread.sleep(1_000);
            go.set(false);
            for (Thread c : clients) {
                c.join(10_000);
            }

            // A new issue after the kill: announced by the survivor, once.
            assertThat(ingest(survivor, "after the kill", "after-1")).isEqualTo(200);
            awaitHooks(21);

            survivor.process().destroy(); // SIGTERM: the survivor drains
            assertThat(survivor.process().waitFor(60, TimeUnit.SECONDS)).isTrue();

            Set<String> stored = new HashSet<>();
            long counted;
            try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT request_id FROM raw_events")) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT sum(total_count) FROM error_groups")) {
                    rs.next();
                    counted = rs.getLong(1);
                }
            }
            for (ChildServer node : nodes) {
                Set<String> lost = new HashSet<>(acknowledged.get(node));
                lost.removeAll(stored);
                assertThat(acknowledged.get(node)).as(node == leader ? "the killed node's" : "the survivor's")
                        .hasSizeGreaterThan(10);
                assertThat(lost).as("acknowledged by %s but not stored", node == leader ? "the killed node" : "the survivor")
                        .isEmpty();
            }
            assertThat(counted).as("every stored event counted once").isEqualTo(stored.size());
            System.out.printf("two nodes, SIGKILL mid-load: acknowledged %d by the killed node, %d by the survivor; "
                    + "%d stored; alert windows taken over %d ms after the kill%n", acknowledged.get(leader).size(),
                    acknowledged.get(survivor).size(), stored.size(), handover);
            assertThat(handover).as("alert windows taken over by the survivor").isLessThan(HANDOVER_BOUND_MS);
            Thread.sleep(1_000); // a duplicate announcement would have arrived by now
            assertThat(hooks).extracting(h -> h.get("message").asText()).as("each new issue announced once")
                    .doesNotHaveDuplicates().hasSize(21).contains("after the kill");
        } finally {
            receiver.stop(0);
        }
    }

    private static String token(String url) throws Exception {
        DatabaseConfig config = new DatabaseConfig();
        config.setPath(Files.createTempDirectory("bloop-cli").resolve("bloop.db").toString());
        config.setType("postgres");
        config.setUrl(url);
        config.setUser("postgres");
        config.setPassword("postgres");
        Database db = Database.open(config, new MetricRegistry());
        try {
            return new TokenService(db).create("alerts", "default", Set.of(Scope.ALERTS_WRITE), null, "test").token();
        } finally {
            db.stop();
        }
    }

    private static int ingest(ChildServer node, String message, String requestId) throws Exception {
        String body = "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"api\",\"environment\":\"prod\","
                + "\"release\":\"1\",\"error_type\":\"NodeError\",\"message\":\"" + message + "\",\"request_id\":\""
                + requestId + "\"}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.url("/v1/ingest"))).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Signature", Signatures.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static HttpResponse<String> call(ChildServer node, String token, String method, String path, String body)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private static boolean leadsWindows(ChildServer node) {
        try {
            JsonNode jobs = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(node.url("/health")))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body()).get("jobs");
            if (jobs != null) {
                for (JsonNode job : jobs) {
                    if (job.asText().equals("alert-windows")) {
                        return true;
                    }
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static ChildServer awaitLeader(ChildServer[] nodes) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            List<ChildServer> leading = new ArrayList<>();
            for (ChildServer n : nodes) {
                if (leadsWindows(n)) {
                    leading.add(n);
                }
            }
            assertThat(leading).as("two nodes keep the alert windows").hasSizeLessThan(2);
            if (leading.size() == 1) {
                return leading.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no node took the alert windows");
    }

    /** Milliseconds from the kill until the survivor says it keeps the alert windows. */
    private static long awaitJob(ChildServer survivor, long killedAt) throws InterruptedException {
        while (!leadsWindows(survivor)) {
            assertThat((System.nanoTime() - killedAt) / 1_000_000).as("hand-over").isLessThan(30_000);
            Thread.sleep(50);
        }
        return (System.nanoTime() - killedAt) / 1_000_000;
    }

    private void awaitHooks(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (hooks.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(hooks).as("new-issue alerts").hasSizeGreaterThanOrEqualTo(n);
    }
}
