package dev.bloop.service.retention;

import static dev.bloop.service.auth.WebSession.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.access.Scope;
import dev.bloop.service.auth.Ceremonies;
import dev.bloop.service.auth.WebSession;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin retention API over HTTP: settings with validation, storage figures, purge now. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RetentionIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__RETENTION__RAW_EVENTS_DAYS", "14"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static WebSession admin;
    private static WebSession member;

    @BeforeAll
    static void people() {
        admin = Ceremonies.registerFirstAdmin(BLOOP, "root", Ceremonies.passkey(BLOOP));
        member = Ceremonies.join(BLOOP, Ceremonies.invite(admin, "default"), "dev", Ceremonies.passkey(BLOOP));
    }

    @Test
    void showsThePolicyFromTheEnvironmentAndStorageFigures() {
        BLOOP.ingest("/v1/ingest", BloopTestApp.event("fresh"));
        BLOOP.awaitCount("SELECT count(*) FROM raw_events", 1);
        JsonNode r = json(admin.get("/v1/admin/retention"));
        assertThat(r.get("defaults").get("raw_events_days").asInt()).as("BLOOP__RETENTION__RAW_EVENTS_DAYS").isEqualTo(14);
        assertThat(r.get("storage").get("db_size_bytes").asLong()).isPositive();
        assertThat(r.get("storage").get("raw_events_count").asLong()).isPositive();
        assertThat(r.get("storage").has("error_groups_count")).isTrue();
        assertThat(r.get("per_project").get(0).get("slug").asText()).isEqualTo("default");
    }

    @Test
    void onlyAdminsMayReadOrChangeRetention() {
        assertThat(member.get("/v1/admin/retention").statusCode()).isEqualTo(403);
        assertThat(member.post("/v1/admin/retention/purge", "{\"confirm\":true}").statusCode()).isEqualTo(403);
        String token = BLOOP.token("ops", "default", Scope.values());
        HttpResponse<String> viaToken = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/admin/retention")))
                .header("Authorization", "Bearer " + token).build());
        assertThat(viaToken.statusCode()).isEqualTo(403);
        assertThat(BLOOP.get(BLOOP.url("/v1/admin/retention")).statusCode()).isEqualTo(401);
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        Map<String, String> cases = Map.of(
                "{\"raw_events_days\":0}", "raw_events_days",
                "{\"raw_events_days\":3651}", "raw_events_days",
                "{\"hourly_counts_days\":\"ninety\"}", "hourly_counts_days",
                "{\"raw_events_days\":1.5}", "raw_events_days",
                "{\"per_project\":[{\"project_id\":\"nope\",\"raw_events_days\":3}]}", "per_project[0].project_id",
                "{\"per_project\":[{\"project_id\":\"default\",\"raw_events_days\":-2}]}", "per_project[0].raw_events_days",
                "{\"keep\":1}", "keep");
        cases.forEach((body, field) -> {
            HttpResponse<String> r = admin.put("/v1/admin/retention", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r).get("field").asText()).as(body).isEqualTo(field);
        });
        assertThat(admin.post("/v1/admin/retention/purge", "{}").statusCode()).isEqualTo(400);
        HttpResponse<String> no = admin.post("/v1/admin/retention/purge", "{\"confirm\":false}");
        assertThat(json(no).get("error").asText()).isEqualTo("confirm must be true");
    }

    @Test
    void settingsApplyToThePurgeWhichReportsWhatItDeleted() {
        BLOOP.withDatabase(db -> OldEvents.add(db, "default", "ancient", 20, 40));
        HttpResponse<String> put = admin.put("/v1/admin/retention",
                "{\"raw_events_days\":30,\"hourly_counts_days\":60,\"per_project\":[{\"project_id\":\"default\",\"raw_events_days\":10}]}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode settings = json(put);
        assertThat(settings.get("status").asText()).isEqualTo("ok");
        assertThat(settings.get("global").get("raw_events_days").asInt()).isEqualTo(30);
        assertThat(settings.get("per_project").get(0).get("raw_events_days").asInt()).isEqualTo(10);

        JsonNode dry = json(admin.post("/v1/admin/retention/purge", "{\"confirm\":true,\"dry_run\":true}"));
        assertThat(dry.get("raw_events_deleted").asLong()).isEqualTo(40);
        JsonNode purged = json(admin.post("/v1/admin/retention/purge", "{\"confirm\":true}"));
        assertThat(purged.get("status").asText()).isEqualTo("ok");
        assertThat(purged.get("raw_events_deleted").asLong()).isEqualTo(40);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE fingerprint = 'ancient'")).isZero();
        assertThat(BLOOP.count("SELECT total_count FROM error_groups WHERE fingerprint = 'ancient'")).isEqualTo(40);
        assertThat(json(admin.get("/v1/admin/retention")).get("last_purge").get("raw_events_deleted").asLong())
                .isEqualTo(40);

        JsonNode cleared = json(admin.put("/v1/admin/retention",
                "{\"per_project\":[{\"project_id\":\"default\",\"raw_events_days\":0}]}"));
        assertThat(cleared.get("per_project").get(0).get("raw_events_days").isNull()).isTrue();
        assertThat(cleared.get("per_project").get(0).get("effective_raw_events_days").asInt()).isEqualTo(30);
    }
}
