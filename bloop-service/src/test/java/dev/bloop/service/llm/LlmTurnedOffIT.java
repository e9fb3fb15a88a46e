package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With llm_tracing.enabled false, its routes answer 404 with a sentence saying how to turn it on. */
@ExtendWith(DropwizardExtensionsSupport.class)
class LlmTurnedOffIT {
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of("BLOOP__LLM_TRACING__ENABLED", "false"));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    @Test
    void everyLlmRouteSaysHowToTurnTracingOn() {
        String token = BLOOP.token("llm", "default", Scope.LLM_READ, Scope.LLM_WRITE);
        for (HttpResponse<String> r : new HttpResponse[] {
                Llm.post(BLOOP, "/v1/traces", "{\"id\":\"t\"}"),
                Llm.post(BLOOP, "/v1/traces/batch", "{\"traces\":[]}"),
                Llm.put(BLOOP, "/v1/traces/t", "{}", null, null),
                Llm.get(BLOOP, "/v1/llm/overview", token),
                Llm.get(BLOOP, "/v1/llm/traces/t", token),
                Llm.putJson(BLOOP, "/v1/llm/settings", token, "{\"content_storage\":\"full\"}"),
                Llm.post(BLOOP, "/v1/traces/t/feedback", "{\"value\":1}"),
                Llm.get(BLOOP, "/v1/llm/traces/t/scores", token),
                Llm.get(BLOOP, "/v1/llm/budget", token),
                Llm.get(BLOOP, "/v1/llm/prompts", token),
                Llm.get(BLOOP, "/v1/llm/search?q=x", token)}) {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(Llm.json(r).get("error").asText()).contains("llm_tracing.enabled: true")
                    .contains("BLOOP__LLM_TRACING__ENABLED=true");
        }
        // Error ingest is untouched.
        assertThat(BLOOP.ingest("/v1/ingest", BloopTestApp.event("still works")).statusCode()).isEqualTo(200);
    }
}
