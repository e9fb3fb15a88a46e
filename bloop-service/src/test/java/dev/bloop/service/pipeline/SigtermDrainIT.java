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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real thing: bloop in its own JVM, events sent while the writer holds them (a long flush
 * interval), then SIGTERM. The process must exit on its own, and the database file, reopened
 * afterwards, must hold every acknowledged event.
 */
class SigtermDrainIT {
    private static final String SECRET = "sigterm-secret-0123456789";

    @Test
    void sigtermCommitsEveryAcknowledgedEventBeforeExit() throws Exception {
        // Nothing is committed before the stop unless the drain does it.
        try (ChildServer server = ChildServer.start(Files.createTempDirectory("bloop-sigterm"), SECRET, Map.of(
                "BLOOP__PIPELINE__FLUSH_INTERVAL", "60s", "BLOOP__PIPELINE__FLUSH_BATCH_SIZE", "10000"))) {
            HttpClient http = HttpClient.newHttpClient();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                List<String> events = new ArrayList<>();
                for (int j = 0; j < 25; j++) {
                    events.add(BloopTestApp.event("drain " + i + "-" + j));
                }
                bodies.add("{\"events\":[" + String.join(",", events) + "]}");
            }
            int acknowledged = 0;
            for (String body : bodies) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url("/v1/ingest/batch")))
                        .header("Content-Type", "application/json")
                        .header("X-Signature", Signatures.sign(SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                acknowledged += 25;
            }
            assertThat(BloopTestApp.count(server.db, "SELECT count(*) FROM raw_events")).as("nothing flushed yet").isZero();

            server.process().destroy(); // SIGTERM
            assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("process exits after SIGTERM").isTrue();

            assertThat(BloopTestApp.count(server.db, "SELECT count(*) FROM raw_events")).isEqualTo(acknowledged);
            assertThat(BloopTestApp.count(server.db, "SELECT sum(total_count) FROM error_groups")).isEqualTo(acknowledged);
        }
    }
}
