package dev.bloop.service.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole server while its database refuses writes (SQLITE_FULL, from SQLite's page limit on
 * every write connection): ingest answers 503 at once instead of filling its queue, /health says
 * why, other writes answer 503 rather than 500, and everything accepted is stored once space returns.
 */
class StorageFailureIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final BloopTestApp APP = new BloopTestApp();

    @RegisterExtension
    static final io.dropwizard.testing.junit5.DropwizardAppExtension<?> EXT = APP.extension();

    @Test
    void aFullDiskTurnsIngestTo503AndHealthToDegradedUntilSpaceReturns() throws Exception {
        assertThat(APP.ingest("/v1/ingest", BloopTestApp.event("before the disk filled")).statusCode()).isEqualTo(200);
        APP.awaitCount("SELECT count(*) FROM raw_events", 1);
        String token = APP.token("triage", "default", Scope.ERRORS_READ, Scope.ERRORS_WRITE);
        String fp = JSON.readTree(APP.ingest("/v1/ingest", BloopTestApp.event("before the disk filled")).body())
                .get("fingerprint").asText();

        APP.limitDatabasePages(APP.count("PRAGMA page_count"));
        int accepted = 0;
        HttpResponse<String> refused = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (refused == null && System.nanoTime() < deadline) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                events.add(BloopTestApp.event("filling " + accepted + " " + i));
            }
            HttpResponse<String> r = APP.ingest("/v1/ingest/batch", "{\"events\":[" + String.join(",", events) + "]}");
            if (r.statusCode() == 200) {
                accepted += 50;
            } else {
                refused = r;
            }
        }
        assertThat(refused).as("ingest refuses while writes fail").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("disk full");

        JsonNode health = JSON.readTree(APP.get(APP.url("/health")).body());
        assertThat(health.get("status").asText()).isEqualTo("degraded");
        assertThat(health.get("writes_ok").asBoolean()).isFalse();
        assertThat(health.get("storage_error").asText()).isEqualTo("disk full");
        assertThat(health.get("queue_usage").asDouble()).as("the queue is not filled up meanwhile").isLessThan(0.5);

        // A read-only file: every write fails, small updates too (a page limit only stops growth).
        APP.onWriteConnections("PRAGMA query_only = ON");
        HttpResponse<String> resolve = BloopTestApp.send(HttpRequest.newBuilder(URI.create(APP.url("/v1/errors/" + fp + "/resolve")))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(resolve.statusCode()).as("a write through the API during the failure").isEqualTo(503);
        assertThat(resolve.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(resolve.body()).get("error").asText()).contains("read-only");

        APP.onWriteConnections("PRAGMA query_only = OFF");
        APP.limitDatabasePages(1_000_000_000L);
        APP.awaitCount("SELECT count(*) FROM raw_events", 2 + accepted);
        long healthy = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"ok".equals(JSON.readTree(APP.get(APP.url("/health")).body()).get("status").asText())) {
            assertThat(System.nanoTime()).as("health back to ok").isLessThan(healthy);
            Thread.sleep(50);
        }
        assertThat(APP.ingest("/v1/ingest", BloopTestApp.event("after")).statusCode()).isEqualTo(200);
        APP.awaitCount("SELECT count(*) FROM raw_events", 3 + accepted);
        assertThat(APP.count("SELECT count(*) FROM dead_letters")).isZero();
    }
}
