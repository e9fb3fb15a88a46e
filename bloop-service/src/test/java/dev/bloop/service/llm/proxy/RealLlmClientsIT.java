package dev.bloop.service.llm.proxy;

import dev.bloop.service.NpmTestProject;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The official {@code openai} and {@code @anthropic-ai/sdk} clients (pinned in {@code src/test/llm-clients})
 * run the same calls twice: straight to the stand-in provider, then with {@code baseURL} pointed at
 * bloop's proxy in front of it. What the application sees must be the same both times, and bloop must
 * have recorded each call with the right model, tokens, cost and time to first token.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RealLlmClientsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final StandInProvider PROVIDER = LlmProxyIT.standIn();
    private static final BloopTestApp BLOOP = new BloopTestApp(Map.of(
            "BLOOP__LLM_TRACING__ENABLED", "true",
            "BLOOP__LLM_TRACING__FLUSH_BATCH_SIZE", "1",
            "BLOOP__LLM_TRACING__PROXY__OPENAI_BASE_URL", PROVIDER.baseUrl(),
            "BLOOP__LLM_TRACING__PROXY__ANTHROPIC_BASE_URL", PROVIDER.rootUrl()));
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();

    /** Scenario → what the application saw. */
    private static Map<String, JsonNode> run(Path project, String openai, String anthropic, String token,
                                             String prefix) throws Exception {
        NpmTestProject.Result r = LlmClients.tryRun(project, 120, "node", "proxy-client.mjs", openai, anthropic, token,
                prefix);
        assertThat(r).isNotNull();
        assertThat(r.exit()).as(r.err()).isZero();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String line : r.out().strip().split("\n")) {
            JsonNode n = JSON.readTree(line);
            out.put(n.get("scenario").asText(), n);
        }
        return out;
    }

    private static JsonNode span(String token, String traceId) {
        return LlmProxyIT.trace(BLOOP, token, traceId, t -> t.get("spans").size() > 0).get("spans").get(0);
    }

    @Test
    void theOfficialClientsGetTheSameResultsThroughBloopAndEveryCallIsRecorded() throws Exception {
        Path project = LlmClients.npmProject();
        String token = BLOOP.token("clients", "default", Scope.LLM_READ, Scope.LLM_WRITE);
        Map<String, JsonNode> direct = run(project, PROVIDER.baseUrl(), PROVIDER.rootUrl(), "-", "direct");
        int before = PROVIDER.requests.size();
        Map<String, JsonNode> proxied = run(project, BLOOP.url("/v1/proxy/openai"), BLOOP.url("/v1/proxy/anthropic"),
                token, "sdk");

        assertThat(proxied.keySet()).containsExactlyElementsOf(direct.keySet()).hasSize(12);
        for (String scenario : direct.keySet()) {
            assertThat(proxied.get(scenario)).as(scenario).isEqualTo(direct.get(scenario));
        }
        assertThat(direct.get("chat-error").get("status").asInt()).isEqualTo(401);
        assertThat(direct.get("messages-error").get("status").asInt()).isEqualTo(429);
        assertThat(direct.get("chat-cut").has("error")).isTrue();
        // bloop's token never reached the provider; the provider credentials did, as the clients sent them.
        for (StandInProvider.Seen seen : PROVIDER.requests.subList(before, PROVIDER.requests.size())) {
            assertThat(seen.header("X-Bloop-Token")).isNull();
            assertThat(seen.header("X-Bloop-Trace-Id")).isNull();
        }
        // @anthropic-ai/sdk 1.x sends its key as Authorization: Bearer (x-api-key is covered by LlmProxyIT).
        assertThat(PROVIDER.requests.subList(before, PROVIDER.requests.size()))
                .anySatisfy(s -> assertThat(s.header("Authorization")).isEqualTo("Bearer sk-ant-bearer"))
                .anySatisfy(s -> assertThat(s.header("Authorization")).isEqualTo("Bearer sk-ant-test"));

        JsonNode chat = span(token, "sdk-chat");
        assertThat(chat.get("model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(chat.get("cost").decimalValue()).isEqualByComparingTo("0.00255");
        assertThat(chat.get("time_to_first_token_ms").isNull()).isTrue();
        JsonNode stream = span(token, "sdk-chat-stream");
        assertThat(stream.get("cost").decimalValue()).isEqualByComparingTo("0.00255");
        assertThat(stream.get("time_to_first_token_ms").isNumber()).isTrue();
        JsonNode tools = span(token, "sdk-chat-tools-stream");
        assertThat(tools.get("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(tools.get("tokens").get("input_uncached").asLong()).isEqualTo(90);
        assertThat(tools.get("tokens").get("output").asLong()).isEqualTo(17);
        // gpt-4o-mini: 90 × 0.15 + 17 × 0.60 = 23.7 µ$ per million → $0.0000237.
        assertThat(tools.get("cost").decimalValue()).isEqualByComparingTo("0.0000237");
        assertThat(tools.get("time_to_first_token_ms").isNumber()).isTrue();
        for (String s : new String[] {"sdk-responses", "sdk-responses-stream"}) {
            JsonNode r = span(token, s);
            assertThat(r.get("cost").decimalValue()).as(s).isEqualByComparingTo("0.00319");
            assertThat(r.get("tokens").get("reasoning").asLong()).as(s).isEqualTo(256);
        }
        for (String s : new String[] {"sdk-messages", "sdk-messages-stream", "sdk-messages-bearer"}) {
            JsonNode m = span(token, s);
            assertThat(m.get("model").asText()).as(s).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(m.get("tokens").get("output").asLong()).as(s).isEqualTo(500);
            assertThat(m.get("cost").decimalValue()).as(s).isEqualByComparingTo("0.0183");
        }
        assertThat(span(token, "sdk-messages-stream").get("time_to_first_token_ms").isNumber()).isTrue();
        for (String s : new String[] {"sdk-chat-error", "sdk-messages-error", "sdk-chat-cut"}) {
            assertThat(span(token, s).get("status").asText()).as(s).isEqualTo("error");
        }
    }

    @Test
    void theOfficialClientsWithoutABloopTokenAreRefusedAndNothingReachesTheProvider() throws Exception {
        Path project = LlmClients.npmProject();
        int before = PROVIDER.requests.size();
        Map<String, JsonNode> refused = run(project, BLOOP.url("/v1/proxy/openai"), BLOOP.url("/v1/proxy/anthropic"),
                "-", "none");
        for (JsonNode r : refused.values()) {
            assertThat(r.path("status").asInt()).as(r.toString()).isEqualTo(401);
        }
        assertThat(PROVIDER.requests.size()).isEqualTo(before);
    }
}
