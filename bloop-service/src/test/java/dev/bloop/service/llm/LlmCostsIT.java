package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tokens and costs end to end, each expected figure worked out by hand from the shipped price table
 * (dollars per million tokens): signed ingest, the writer, then the query API. Each test has its own
 * project, so the project-wide figures are its own.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LlmCostsIT {
    private static final BloopTestApp BLOOP = Llm.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final AtomicInteger PROJECTS = new AtomicInteger();

    /** A project of its own: [key, secret, token with llm:read and llm:write]. */
    private static String[] project() {
        int n = PROJECTS.incrementAndGet();
        String id = "p-costs-" + n;
        BLOOP.addProject(id, "costs-" + n, "bloop_pk_costs_" + n, "bloop_sk_costs_secret_" + n);
        return new String[] {"bloop_pk_costs_" + n, "bloop_sk_costs_secret_" + n,
                BLOOP.token("costs", id, Scope.LLM_READ, Scope.LLM_WRITE)};
    }

    private static JsonNode trace(String[] p, String id) {
        return Llm.await(BLOOP, "/v1/llm/traces/" + id, p[2], t -> true);
    }

    private static void send(String[] p, String body) {
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces", body, p[0], p[1]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static BigDecimal dec(JsonNode n) {
        return n.decimalValue();
    }

    @Test
    void theSeedExampleKeepsTheClientsCostAndShowsBloopsOwnBesideIt() {
        String[] p = project();
        String body = "{\"id\":\"trace-001\",\"name\":\"chat-completion\",\"status\":\"completed\",\"spans\":[{\"span_type\":"
                + "\"generation\",\"model\":\"gpt-4o\",\"provider\":\"openai\",\"input_tokens\":100,\"output_tokens\":50,"
                + "\"cost\":0.0025,\"latency_ms\":1200,\"time_to_first_token_ms\":300,\"status\":\"ok\"}]}";
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces", body, p[0], p[1]);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Llm.json(r).get("status").asText()).isEqualTo("accepted");
        assertThat(Llm.json(r).get("id").asText()).isEqualTo("trace-001");

        JsonNode t = trace(p, "trace-001");
        JsonNode span = t.get("spans").get(0);
        // The client's $0.0025 is the span's cost: 2500 micros, as the seed says.
        assertThat(dec(span.get("cost"))).isEqualByComparingTo("0.0025");
        assertThat(dec(span.get("cost_micros"))).isEqualByComparingTo("2500");
        assertThat(span.get("cost_source").asText()).isEqualTo("provided");
        // gpt-4o: 100 × $2.50/M + 50 × $10.00/M = $0.00025 + $0.0005 = $0.00075.
        assertThat(dec(span.get("computed_cost"))).isEqualByComparingTo("0.00075");
        assertThat(dec(span.get("provided_cost"))).isEqualByComparingTo("0.0025");
        assertThat(span.get("tokens").get("input_uncached").asLong()).isEqualTo(100);
        assertThat(span.get("tokens").get("output").asLong()).isEqualTo(50);
        assertThat(span.get("latency_ms").asLong()).isEqualTo(1200);
        assertThat(span.get("time_to_first_token_ms").asLong()).isEqualTo(300);
        assertThat(span.get("id").asText()).isEqualTo("span-1");
        assertThat(dec(t.get("cost"))).isEqualByComparingTo("0.0025");
        assertThat(t.get("input_tokens").asLong()).isEqualTo(100);
        assertThat(t.get("output_tokens").asLong()).isEqualTo(50);

        JsonNode o = Llm.await(BLOOP, "/v1/llm/overview", p[2], x -> x.get("calls").asLong() == 1);
        assertThat(o.get("traces").asLong()).isEqualTo(1);
        assertThat(dec(o.get("cost_micros"))).isEqualByComparingTo("2500");
        assertThat(o.get("latency_p50_ms").asDouble()).isEqualTo(1200.0);
        assertThat(o.get("ttft_p50_ms").asDouble()).isEqualTo(300.0);
        assertThat(o.get("tokens").get("total").asLong()).isEqualTo(150);
    }

    @Test
    void anAnthropicSpanPricesCacheReadsAndBothCacheWritesOnTheirOwn() {
        String[] p = project();
        // Anthropic's usage: input_tokens (1,000) leaves out cache reads (20,000) and writes (5,000 for 5 min,
        // 2,000 for 1 h), so it is sent as input_uncached_tokens.
        send(p, "{\"id\":\"claude-1\",\"spans\":[{\"model\":\"claude-sonnet-4-5-20250929\",\"provider\":\"anthropic\","
                + "\"input_uncached_tokens\":1000,\"cache_read_tokens\":20000,\"cache_write_tokens\":5000,"
                + "\"cache_write_1h_tokens\":2000,\"output_tokens\":800}]}");
        JsonNode span = trace(p, "claude-1").get("spans").get(0);
        // $3.00/M × 1,000 = $0.003; $0.30/M × 20,000 = $0.006; $3.75/M × 5,000 = $0.01875;
        // $6.00/M × 2,000 = $0.012; $15.00/M × 800 = $0.012. Sum: $0.05175.
        assertThat(dec(span.get("cost"))).isEqualByComparingTo("0.05175");
        assertThat(dec(span.get("cost_micros"))).isEqualByComparingTo("51750");
        assertThat(span.get("cost_source").asText()).isEqualTo("computed");
        assertThat(span.get("span_type").asText()).isEqualTo("generation");
        JsonNode tokens = span.get("tokens");
        assertThat(tokens.get("input_uncached").asLong()).isEqualTo(1000);
        assertThat(tokens.get("cache_read").asLong()).isEqualTo(20000);
        assertThat(tokens.get("cache_write_5m").asLong()).isEqualTo(5000);
        assertThat(tokens.get("cache_write_1h").asLong()).isEqualTo(2000);
        assertThat(tokens.get("input_total").asLong()).isEqualTo(28000);
        assertThat(span.get("input_tokens").asLong()).isEqualTo(28000);
    }

    @Test
    void anOpenAiSpanCountsCachedTokensOnceAndPricesReasoningAsOutput() {
        String[] p = project();
        // OpenAI's usage: prompt_tokens 12,000 include cached_tokens 8,000; completion_tokens 3,000 include
        // reasoning_tokens 2,000.
        send(p, "{\"id\":\"gpt5-1\",\"spans\":[{\"model\":\"gpt-5\",\"provider\":\"openai\",\"input_tokens\":12000,"
                + "\"cache_read_tokens\":8000,\"output_tokens\":3000,\"reasoning_tokens\":2000}]}");
        JsonNode span = trace(p, "gpt5-1").get("spans").get(0);
        // gpt-5: 4,000 uncached × $1.25/M = $0.005; 8,000 cached × $0.125/M = $0.001;
        // 3,000 output (reasoning included) × $10/M = $0.03. Sum: $0.036.
        assertThat(dec(span.get("cost"))).isEqualByComparingTo("0.036");
        assertThat(span.get("tokens").get("input_uncached").asLong()).isEqualTo(4000);
        assertThat(span.get("tokens").get("cache_read").asLong()).isEqualTo(8000);
        assertThat(span.get("tokens").get("output").asLong()).isEqualTo(3000);
        assertThat(span.get("tokens").get("reasoning").asLong()).isEqualTo(2000);
        assertThat(span.get("tokens").get("total").asLong()).isEqualTo(15000);
    }

    @Test
    void aThousandCheapCallsAddUpWhereMicrosPerCallWouldRoundToNothing() {
        String[] p = project();
        // gpt-5-nano cached input: $0.005/M, 5 nanodollars a token; 3 cached tokens cost 15 nanodollars, 0.015 micros.
        StringBuilder spans = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            spans.append(i == 0 ? "" : ",").append("{\"model\":\"gpt-5-nano\",\"input_tokens\":3,\"cache_read_tokens\":3}");
        }
        StringBuilder batch = new StringBuilder("{\"traces\":[");
        for (int t = 0; t < 20; t++) {
            batch.append(t == 0 ? "" : ",").append("{\"id\":\"nano-").append(t).append("\",\"spans\":[").append(spans)
                    .append("]}");
        }
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces/batch", batch + "]}", p[0], p[1]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Llm.json(r).get("accepted").asInt()).isEqualTo(20);

        JsonNode span = trace(p, "nano-0").get("spans").get(0);
        assertThat(dec(span.get("cost"))).isEqualByComparingTo("0.000000015");
        // On the wire, a plain decimal: never 1.5E-8, which some JSON readers take as text or round.
        assertThat(Llm.get(BLOOP, "/v1/llm/traces/nano-0", p[2]).body()).contains("\"cost\":0.000000015,");
        assertThat(dec(span.get("cost_micros"))).isEqualByComparingTo("0.015");
        // 1,000 calls × 15 nanodollars = 15,000 nanodollars = $0.000015 = 15 micros (not 1,000 × 0).
        JsonNode o = Llm.await(BLOOP, "/v1/llm/overview", p[2], x -> x.get("calls").asLong() == 1000);
        assertThat(dec(o.get("cost"))).isEqualByComparingTo("0.000015");
        assertThat(dec(o.get("cost_micros"))).isEqualByComparingTo("15");
        assertThat(o.get("tokens").get("cache_read").asLong()).isEqualTo(3000);
        assertThat(o.get("tokens").get("input_uncached").asLong()).isZero();
    }

    @Test
    void anUnpricedModelHasNoCostRatherThanZeroAndIsListedUntilAPriceIsSetThenCostsAreRecomputed() {
        String[] p = project();
        send(p, "{\"id\":\"llama-1\",\"spans\":[{\"model\":\"acme-llama-70b\",\"provider\":\"acme\",\"input_tokens\":1000,"
                + "\"output_tokens\":1000},{\"model\":\"gpt-4o-mini\",\"input_tokens\":1000,\"output_tokens\":1000}]}");
        JsonNode t = trace(p, "llama-1");
        JsonNode llama = t.get("spans").get(0);
        assertThat(llama.get("cost").isNull()).isTrue();
        assertThat(llama.get("cost_micros").isNull()).isTrue();
        assertThat(llama.get("cost_reason").asText()).isEqualTo("unpriced_model");
        // gpt-4o-mini: 1,000 × $0.15/M + 1,000 × $0.60/M = $0.00075; the unpriced span adds nothing, and says so.
        assertThat(dec(t.get("cost"))).isEqualByComparingTo("0.00075");
        assertThat(t.get("unpriced_spans").asInt()).isEqualTo(1);
        JsonNode unpriced = Llm.json(Llm.get(BLOOP, "/v1/llm/models?unpriced=true", p[2]));
        assertThat(unpriced).hasSize(1);
        assertThat(unpriced.get(0).get("model").asText()).isEqualTo("acme-llama-70b");
        assertThat(unpriced.get(0).get("priced").asBoolean()).isFalse();
        assertThat(unpriced.get(0).get("unpriced_spans").asLong()).isEqualTo(1);
        JsonNode o = Llm.json(Llm.get(BLOOP, "/v1/llm/overview", p[2]));
        assertThat(o.get("unpriced_spans").asLong()).isEqualTo(1);
        assertThat(dec(o.get("cost"))).isEqualByComparingTo("0.00075");

        // The project prices it at $0.50/M in and $1.50/M out: 1,000 × 0.5 + 1,000 × 1.5 = $0.002.
        HttpResponse<String> put = Llm.putJson(BLOOP, "/v1/llm/prices", p[2], "{\"overrides\":[{\"model\":"
                + "\"acme-llama-70b\",\"input\":0.5,\"output\":1.5}]}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(Llm.json(put).get("overrides").get(0).get("input").decimalValue()).isEqualByComparingTo("0.5");
        JsonNode after = Llm.await(BLOOP, "/v1/llm/traces/llama-1", p[2], x -> x.get("unpriced_spans").asInt() == 0);
        assertThat(dec(after.get("spans").get(0).get("cost"))).isEqualByComparingTo("0.002");
        assertThat(after.get("spans").get(0).get("cost_source").asText()).isEqualTo("computed");
        assertThat(dec(after.get("cost"))).isEqualByComparingTo("0.00275");
        JsonNode o2 = Llm.await(BLOOP, "/v1/llm/overview", p[2], x -> x.get("unpriced_spans").asLong() == 0);
        assertThat(dec(o2.get("cost"))).isEqualByComparingTo("0.00275");
        assertThat(Llm.json(Llm.get(BLOOP, "/v1/llm/models?unpriced=true", p[2]))).isEmpty();

        // A higher price again changes the stored cost: $1/M and $3/M → $0.004.
        Llm.putJson(BLOOP, "/v1/llm/prices", p[2], "{\"overrides\":[{\"model\":\"acme-llama-70b\",\"input\":1,"
                + "\"output\":3}]}");
        JsonNode again = Llm.await(BLOOP, "/v1/llm/overview", p[2],
                x -> x.get("cost").decimalValue().compareTo(new BigDecimal("0.00475")) == 0);
        assertThat(again.get("unpriced_spans").asLong()).isZero();
        // Without the project's price, the model is unpriced again and its cost leaves the sums.
        Llm.putJson(BLOOP, "/v1/llm/prices", p[2], "{\"overrides\":[]}");
        JsonNode back = Llm.await(BLOOP, "/v1/llm/overview", p[2], x -> x.get("unpriced_spans").asLong() == 1);
        assertThat(dec(back.get("cost"))).isEqualByComparingTo("0.00075");
    }

    @Test
    void reSendingATraceReplacesItInsteadOfCountingItTwice() {
        String[] p = project();
        String body = "{\"id\":\"retry-1\",\"spans\":[{\"id\":\"g\",\"model\":\"gpt-4o\",\"input_tokens\":1000,"
                + "\"output_tokens\":100,\"latency_ms\":700}]}";
        send(p, body);
        Llm.await(BLOOP, "/v1/llm/overview", p[2], x -> x.get("calls").asLong() == 1);
        send(p, body);
        send(p, body.replace("\"output_tokens\":100", "\"output_tokens\":200"));
        JsonNode t = Llm.await(BLOOP, "/v1/llm/traces/retry-1", p[2],
                x -> x.get("tokens").get("output").asLong() == 200);
        assertThat(t.get("span_count").asInt()).isEqualTo(1);
        JsonNode o = Llm.json(Llm.get(BLOOP, "/v1/llm/overview", p[2]));
        assertThat(o.get("traces").asLong()).isEqualTo(1);
        assertThat(o.get("calls").asLong()).isEqualTo(1);
        // gpt-4o: 1,000 × $2.50/M + 200 × $10/M = $0.0045.
        assertThat(dec(o.get("cost"))).isEqualByComparingTo("0.0045");
        assertThat(o.get("tokens").get("output").asLong()).isEqualTo(200);
        JsonNode latency = Llm.json(Llm.get(BLOOP, "/v1/llm/latency", p[2]));
        assertThat(latency.get(0).get("calls").asLong()).isEqualTo(1);
    }
}
