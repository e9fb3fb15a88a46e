package dev.bloop.service.project;

import static dev.bloop.service.auth.WebSession.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deleting a project while its apps keep sending: its key is refused from the moment of the
 * request, events still queued for it are dropped, and no row of it is left in any table.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ProjectDeletionIT {
    static {
        ConsoleCapture.install();
    }

    // A slow flush keeps events of the project waiting in the queue while it is deleted.
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__PIPELINE__FLUSH_INTERVAL", "300ms"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final List<String> TABLES = List.of("raw_events", "group_samples", "status_history", "error_groups",
            "group_counts", "group_env_counts", "route_counts", "hourly_counts", "project_hourly_counts",
            "minute_counts", "dead_letters", "api_tokens", "project_members");

    @Test
    void aProjectDeletedUnderIngestLoadLeavesNoRowAndItsKeyIsRefusedAtOnce() throws Exception {
        WebSession admin = Ceremonies.registerFirstAdmin(BLOOP, "ann", Ceremonies.passkey(BLOOP));
        JsonNode created = json(admin.post("/v1/projects", "{\"name\":\"Doomed\",\"slug\":\"doomed\"}"));
        String id = created.get("id").asText();
        String key = created.get("ingest_key").asText();
        String secret = created.get("ingest_secret").asText();
        assertThat(admin.post("/v1/tokens", "{\"name\":\"ci\",\"project_id\":\"doomed\",\"scopes\":[\"errors:read\"]}")
                .statusCode()).isEqualTo(201);

        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger accepted = new AtomicInteger();
        List<Thread> apps = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int app = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; sending.get(); i++) {
                    List<String> events = new ArrayList<>();
                    for (int j = 0; j < 20; j++) {
                        events.add(BloopTestApp.event("doomed " + app + " " + (i % 30)));
                    }
                    String body = "{\"events\":[" + String.join(",", events) + "]}";
                    HttpResponse<String> r = BLOOP.post("/v1/ingest/batch", body, Map.of("Content-Type",
                            "application/json", "X-Project-Key", key, "X-Signature", Signatures.sign(secret, body)));
                    if (r.statusCode() == 200) {
                        accepted.addAndGet(20);
                    }
                }
            });
            thread.start();
            apps.add(thread);
        }
        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE project_id = '" + id + "'", 200);

        HttpResponse<String> deleted = admin.delete("/v1/projects/doomed");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        String body = BloopTestApp.event("after the delete");
        HttpResponse<String> late = BLOOP.post("/v1/ingest", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", key, "X-Signature", Signatures.sign(secret, body)));
        assertThat(late.statusCode()).as("the key is refused once the delete has answered").isEqualTo(401);

        sending.set(false);
        for (Thread t : apps) {
            t.join(10_000);
        }
        Thread.sleep(1_000); // several flush intervals: anything still queued would have been written by now
        assertThat(accepted.get()).as("the apps were sending").isGreaterThan(200);
        for (String table : TABLES) {
            assertThat(BLOOP.count("SELECT count(*) FROM " + table + " WHERE project_id = '" + id + "'"))
                    .as("rows of the deleted project in " + table).isZero();
        }
        assertThat(BLOOP.count("SELECT count(*) FROM projects WHERE id = '" + id + "'")).isZero();
    }
}
