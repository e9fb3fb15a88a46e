package dev.bloop.service.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.api.Signatures;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ChildServer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code ingest.ack: committed}: a 200 means the event is in the database file. Clients send
 * continuously from several threads; the server is killed with SIGKILL mid-stream; every request
 * id that got a 200 must be found in the file afterwards.
 */
class SigkillCommittedIT {
    private static final String SECRET = "sigkill-secret-0123456789";

    @Test
    void sigkillLosesNoEventAcknowledgedInCommittedMode() throws Exception {
        try (ChildServer server = ChildServer.start(Files.createTempDirectory("bloop-sigkill"), SECRET, Map.of(
                "BLOOP__INGEST__ACK", "committed", "BLOOP__PIPELINE__FLUSH_INTERVAL", "200ms"))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicBoolean go = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int client = t;
                Thread thread = new Thread(() -> {
                    for (int i = 0; go.get(); i++) {
                        String id = "c" + client + "-" + i;
                        String body = "{\"timestamp\":1700000000000,\"source\":\"api\",\"environment\":\"prod\","
                                + "\"release\":\"1\",\"error_type\":\"E\",\"message\":\"kill " + (i % 20)
                                + "\",\"request_id\":\"" + id + "\"}";
                        try {
                            sent.incrementAndGet();
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url("/v1/ingest")))
                                    .timeout(Duration.ofSeconds(5))
                                    .header("Content-Type", "application/json")
                                    .header("X-Signature", Signatures.sign(SECRET, body))
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                acknowledged.add(id);
                            }
                        } catch (Exception e) {
                            return; // the server is gone
                        }
                    }
                });
                thread.start();
                clients.add(thread);
            }
            Thread.sleep(2500);
            server.process().destroyForcibly(); // SIGKILL: no shutdown hook, no drain
            assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            go.set(false);
            for (Thread c : clients) {
                c.join(10_000);
            }

            Set<String> stored = new HashSet<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.db);
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT request_id FROM raw_events")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            assertThat(acknowledged).as("acknowledged before the kill").hasSizeGreaterThan(10);
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertThat(lost).as("acknowledged but not in the file (of %d acknowledged, %d sent)",
                    acknowledged.size(), sent.get()).isEmpty();
            assertThat(BloopTestApp.count(server.db, "SELECT sum(total_count) FROM error_groups"))
                    .isEqualTo(stored.size());
        }
    }
}
