package dev.bloop.service.ingest;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A leaked ingest secret cannot flood a project: a per-project quota (429 + Retry-After past it,
 * nothing kept) and inbound filters (events of other releases, environments, or too old are
 * acknowledged and dropped), both counted in the project's ledger.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IngestPolicyIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static WebSession admin;

    @BeforeAll
    static void signIn() {
        admin = Ceremonies.registerFirstAdmin(BLOOP, "ann", Ceremonies.passkey(BLOOP));
    }

    private static String event(String release, String environment, long timestamp, String message) {
        return "{\"timestamp\":" + timestamp + ",\"source\":\"api\",\"environment\":\"" + environment
                + "\",\"release\":\"" + release + "\",\"error_type\":\"E\",\"message\":\"" + message + "\"}";
    }

    private static String batch(List<String> events) {
        return "{\"events\":[" + String.join(",", events) + "]}";
    }

    @Test
    void aQuotaRefusesWholeRequestsPastItsBurstAndSaysWhenToComeBack() throws Exception {
        HttpResponse<String> put = admin.put("/v1/projects/default/ingest", "{\"events_per_minute\":60,\"burst\":5}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) {
            assertThat(BLOOP.ingest("/v1/ingest", event("1.0.0", "prod", now, "quota " + i)).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> over = BLOOP.ingest("/v1/ingest", event("1.0.0", "prod", now, "quota 6"));
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        assertThat(json(over).get("error").asText()).contains("quota");

        List<String> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(event("1.0.0", "prod", now, "burst " + i));
        }
        HttpResponse<String> tooBig = BLOOP.ingest("/v1/ingest/batch", batch(ten));
        assertThat(tooBig.statusCode()).isEqualTo(429);
        assertThat(json(tooBig).get("error").asText()).contains("burst");

        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message LIKE 'quota %'", 5);
        Thread.sleep(300);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message LIKE 'quota %' OR message LIKE 'burst %'"))
                .as("nothing of a refused request is kept").isEqualTo(5);
        JsonNode view = json(admin.get("/v1/projects/default/ingest"));
        assertThat(view.get("policy").get("events_per_minute").asInt()).isEqualTo(60);
        assertThat(view.get("refused_last_24h").get("quota").asLong()).isEqualTo(11);

        assertThat(admin.put("/v1/projects/default/ingest", "{}").statusCode()).isEqualTo(200);
        assertThat(BLOOP.ingest("/v1/ingest/batch", batch(ten)).statusCode()).as("no limit any more").isEqualTo(200);
    }

    @Test
    void inboundFiltersDropOtherReleasesEnvironmentsAndOldEventsButAcknowledgeThem() throws Exception {
        assertThat(admin.put("/v1/projects/default/ingest",
                "{\"releases\":[\"2.0.0\"],\"environments\":[\"prod\"],\"max_age_days\":7}").statusCode()).isEqualTo(200);
        long now = System.currentTimeMillis();
        HttpResponse<String> other = BLOOP.ingest("/v1/ingest", event("1.9.0", "prod", now, "filtered release"));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(json(other).get("status").asText()).isEqualTo("filtered");
        assertThat(json(other).get("reason").asText()).contains("release");

        HttpResponse<String> mixed = BLOOP.ingest("/v1/ingest/batch", batch(List.of(
                event("2.0.0", "prod", now, "kept"),
                event("2.0.0", "staging", now, "filtered env"),
                event("2.0.0", "prod", now - 8L * 86_400_000L, "filtered old"),
                "{\"source\":\"api\"}")));
        assertThat(mixed.statusCode()).isEqualTo(200);
        JsonNode result = json(mixed);
        assertThat(result.get("accepted").asInt()).isEqualTo(1);
        assertThat(result.get("filtered").asInt()).isEqualTo(2);
        assertThat(result.get("errors").size()).isEqualTo(1);

        BLOOP.awaitCount("SELECT count(*) FROM raw_events WHERE message = 'kept'", 1);
        Thread.sleep(300);
        assertThat(BLOOP.count("SELECT count(*) FROM raw_events WHERE message LIKE 'filtered%'")).isZero();
        JsonNode refused = json(admin.get("/v1/projects/default/ingest")).get("refused_last_24h");
        assertThat(refused.get("filtered_release").asLong()).isEqualTo(1);
        assertThat(refused.get("filtered_environment").asLong()).isEqualTo(1);
        assertThat(refused.get("filtered_too_old").asLong()).isEqualTo(1);
        assertThat(refused.get("invalid").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(admin.put("/v1/projects/default/ingest", "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void badPoliciesAreRefusedNamingTheFieldAndOnlyPeopleOfTheProjectSeeThem() {
        assertThat(json(admin.put("/v1/projects/default/ingest", "{\"rate\":5}")).get("field").asText()).isEqualTo("rate");
        assertThat(json(admin.put("/v1/projects/default/ingest", "{\"burst\":5}")).get("field").asText()).isEqualTo("burst");
        assertThat(json(admin.put("/v1/projects/default/ingest", "{\"events_per_minute\":\"60\"}")).get("field").asText())
                .isEqualTo("events_per_minute");
        assertThat(json(admin.put("/v1/projects/default/ingest", "{\"releases\":[]}")).get("field").asText())
                .isEqualTo("releases");
        assertThat(json(admin.put("/v1/projects/default/ingest", "{\"max_age_days\":0}")).get("field").asText())
                .isEqualTo("max_age_days");
        assertThat(admin.get("/v1/projects/nope/ingest").statusCode()).isEqualTo(404);
        String token = BLOOP.token("ci", "default", Scope.ERRORS_READ, Scope.ERRORS_WRITE);
        HttpResponse<String> byToken = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/projects/default/ingest")))
                .header("Authorization", "Bearer " + token).GET().build());
        assertThat(byToken.statusCode()).isEqualTo(403);
    }
}
