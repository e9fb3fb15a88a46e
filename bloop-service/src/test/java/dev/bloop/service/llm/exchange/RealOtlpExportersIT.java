package dev.bloop.service.llm.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenTelemetry JS exporters (pinned in {@code src/test/llm-exchange-clients}):
 * {@code @opentelemetry/exporter-trace-otlp-http} (OTLP/JSON) and {@code -proto} (protobuf) send an
 * agent span with a chat call and a failing tool call to bloop's OTLP import; bloop keeps the tree,
 * the tokens (the cache reads inside the input count) and the cost from the price table.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RealOtlpExportersIT {
    private static final BloopTestApp BLOOP = Exchanges.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    @ParameterizedTest(name = "exporter-trace-otlp-{0}")
    @ValueSource(strings = {"http", "proto"})
    void theJsExporterSpansBecomeATraceWithTreeTokensAndCost(String transport) throws Exception {
        Path npm = ExchangeClients.npmProject();
        Exchanges.Project p = Exchanges.project(BLOOP, "js" + transport);
        String out = ExchangeClients.run(npm, 120, "node", "otlp-export.mjs", BLOOP.url("/v1/otlp/v1/traces"),
                p.token(), transport);
        JsonNode result = Exchanges.json(out.strip());
        assertThat(result.get("results").toString()).as("the exporter's result codes (0: success)").isEqualTo("[0]");
        String traceId = result.get("trace_id").asText();
        JsonNode trace = Exchanges.await(BLOOP, "/v1/llm/traces/" + traceId, p.token(),
                t -> t.get("spans").size() == 1 && t.get("spans").get(0).get("children").size() == 2);
        assertThat(trace.get("session_id").asText()).isEqualTo("conv-js");
        assertThat(trace.get("user_id").asText()).isEqualTo("user-js");
        JsonNode agent = trace.get("spans").get(0);
        assertThat(agent.get("name").asText()).isEqualTo("invoke_agent shopper");
        JsonNode chat = Exchanges.span(trace.get("spans"), "chat claude-sonnet-4");
        assertThat(chat.get("span_type").asText()).isEqualTo("generation");
        assertThat(chat.get("provider").asText()).isEqualTo("anthropic");
        assertThat(chat.get("latency_ms").asLong()).isEqualTo(900);
        assertThat(chat.get("tokens").get("input_total").asLong()).isEqualTo(2000);
        assertThat(chat.get("tokens").get("cache_read").asLong()).isEqualTo(1500);
        assertThat(chat.get("tokens").get("output").asLong()).isEqualTo(100);
        // claude-sonnet-4: 500 × $3/M + 1500 × $0.30/M (cache reads) + 100 × $15/M = $0.00345
        assertThat(chat.get("cost").decimalValue()).isEqualByComparingTo("0.00345");
        JsonNode tool = Exchanges.span(trace.get("spans"), "execute_tool search");
        assertThat(tool.get("span_type").asText()).isEqualTo("tool");
        assertThat(tool.get("status").asText()).isEqualTo("error");
        assertThat(tool.get("error_message").asText()).isEqualTo("search failed");
        assertThat(trace.get("cost").decimalValue()).isEqualByComparingTo("0.00345");
    }
}
