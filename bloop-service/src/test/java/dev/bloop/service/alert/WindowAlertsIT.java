package dev.bloop.service.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threshold and spike rules fire from the flush that commits the crossing event, not from a
 * schedule: the scheduled pass is set to an hour here, so an alert within seconds can only have
 * come from the event. (How fast, measured: {@code bench/alert_latency.sh}.)
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class WindowAlertsIT {
    private static final Receiver RECEIVER = receiver();
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS", "true",
            "BLOOP__ALERTING__EVALUATION_INTERVAL", "1h"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String token;

    private static Receiver receiver() {
        try {
            return new Receiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void setUp() {
        token = BLOOP.token("windows", "default", Scope.ALERTS_READ, Scope.ALERTS_WRITE);
    }

    @AfterAll
    static void tearDown() {
        RECEIVER.close();
    }

    private static void rule(String path, String body) throws Exception {
        HttpResponse<String> r = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/alerts")))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long id = JSON.readTree(r.body()).get("id").asLong();
        HttpResponse<String> c = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/alerts/" + id
                        + "/channels"))).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"webhook\",\"url\":\"" + RECEIVER.url(path) + "\"}"))
                .build());
        assertThat(c.statusCode()).as(c.body()).isEqualTo(201);
    }

    private static String ingest(String env, String type, int n) throws Exception {
        String fp = null;
        for (int i = 0; i < n; i++) {
            String body = "{\"timestamp\":" + System.currentTimeMillis() + ",\"source\":\"api\",\"environment\":\"" + env
                    + "\",\"release\":\"1.0\",\"error_type\":\"" + type + "\",\"message\":\"m\"}";
            HttpResponse<String> r = BLOOP.ingest("/v1/ingest", body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            fp = JSON.readTree(r.body()).get("fingerprint").asText();
        }
        return fp;
    }

    @Test
    void aThresholdAlertLeavesWhenTheCrossingEventIsCommitted() throws Exception {
        rule("/threshold", "{\"name\":\"busy\",\"environment_filter\":\"w-thr\",\"config\":{\"type\":\"threshold\","
                + "\"threshold\":3,\"window_secs\":300}}");
        String fp = ingest("w-thr", "BusyError", 3);
        assertThat(RECEIVER.nextFor("/threshold", 1000)).as("3 is not above 3").isNull();
        ingest("w-thr", "BusyError", 1);
        Receiver.Received hook = RECEIVER.nextFor("/threshold", 5000);
        assertThat(hook).as("fired by the 4th event, an hour before the scheduled pass").isNotNull();
        JsonNode body = JSON.readTree(hook.body());
        assertThat(body.get("fingerprint").asText()).isEqualTo(fp);
        assertThat(body.get("count").asLong()).isEqualTo(4);
    }

    @Test
    void aSpikeAlertLeavesWhenTheEventThatMakesItIsCommitted() throws Exception {
        rule("/spike", "{\"name\":\"spike\",\"environment_filter\":\"w-spike\",\"config\":{\"type\":\"spike\","
                + "\"multiplier\":3,\"compare_window_secs\":120,\"baseline_window_secs\":3600,\"min_events\":3}}");
        ingest("w-spike", "SuddenError", 2);
        assertThat(RECEIVER.nextFor("/spike", 1000)).as("below min_events").isNull();
        String fp = ingest("w-spike", "SuddenError", 1);
        Receiver.Received hook = RECEIVER.nextFor("/spike", 5000);
        assertThat(hook).isNotNull();
        assertThat(JSON.readTree(hook.body()).get("fingerprint").asText()).isEqualTo(fp);
        assertThat(JSON.readTree(hook.body()).get("reason").asText()).startsWith("Spike: 3 events in 120 s");
    }

    @Test
    void eventsFromBeforeTheRuleExistedCountInItsWindow() throws Exception {
        String fp = ingest("w-seed", "EarlyError", 3);
        BLOOP.awaitCount("SELECT coalesce(sum(count), 0) FROM minute_counts WHERE fingerprint = '" + fp + "'", 3);
        rule("/seeded", "{\"name\":\"seeded\",\"environment_filter\":\"w-seed\",\"config\":{\"type\":\"threshold\","
                + "\"threshold\":3,\"window_secs\":300}}");
        assertThat(RECEIVER.nextFor("/seeded", 500)).isNull();
        ingest("w-seed", "EarlyError", 1);
        Receiver.Received hook = RECEIVER.nextFor("/seeded", 5000);
        assertThat(hook).as("3 seeded from minute counts + 1 new").isNotNull();
        assertThat(JSON.readTree(hook.body()).get("count").asLong()).isEqualTo(4);
    }
}
