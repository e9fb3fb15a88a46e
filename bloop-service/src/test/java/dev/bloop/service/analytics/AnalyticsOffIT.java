package dev.bloop.service.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.ConsoleCapture;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Analytics switched off: every analytics route says how to turn it on, and nothing of it runs. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AnalyticsOffIT {
    static {
        ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__ANALYTICS__ENABLED", "false"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    @Test
    void everyAnalyticsRouteAnswers404SayingHowToTurnItOn() throws Exception {
        String token = BLOOP.token("reader", "default", Scope.ERRORS_READ);
        for (String route : new String[] {"spikes", "movers", "correlations", "releases", "environments"}) {
            HttpResponse<String> r = BloopTestApp.send(HttpRequest.newBuilder(URI.create(
                    BLOOP.url("/v1/analytics/" + route + "?hours=24"))).header("Authorization", "Bearer " + token)
                    .GET().build());
            assertThat(r.statusCode()).as(route).isEqualTo(404);
            JsonNode body = new ObjectMapper().readTree(r.body());
            assertThat(body.get("error").asText()).contains("analytics.enabled: true")
                    .contains("BLOOP__ANALYTICS__ENABLED=true");
        }
    }

    @Test
    void noAnalyticsHealthCheckRefreshOrThreadRuns() {
        assertThat(BLOOP.get(BLOOP.adminUrl("/healthcheck")).body()).doesNotContain("analytics");
        assertThat(BLOOP.get(BLOOP.adminUrl("/metrics")).body()).doesNotContain("analytics.refresh");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("analytics-"));
    }
}
