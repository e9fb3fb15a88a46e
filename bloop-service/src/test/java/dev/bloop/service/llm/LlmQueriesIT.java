package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The query API over known data: exact percentiles, zero-filled hours, filters, pages and sessions. */
@ExtendWith(DropwizardExtensionsSupport.class)
class LlmQueriesIT {
    private static final BloopTestApp BLOOP = Llm.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final AtomicInteger PROJECTS = new AtomicInteger();

    private static String[] project() {
        int n = PROJECTS.incrementAndGet();
        String id = "p-q-" + n;
        BLOOP.addProject(id, "q-" + n, "bloop_pk_q_" + n, "bloop_sk_q_secret_000" + n);
        return new String[] {"bloop_pk_q_" + n, "bloop_sk_q_secret_000" + n, BLOOP.token("q", id, Scope.LLM_READ), id};
    }

    private static void batch(String[] p, List<String> traces) {
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces/batch", "{\"traces\":[" + String.join(",", traces) + "]}",
                p[0], p[1]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Llm.json(r).get("errors")).isEmpty();
    }

    @Test
    void latencyPercentilesAreExactOverEveryCallOfTheWindow() {
        String[] p = project();
        List<String> traces = new ArrayList<>();
        // Model "fast": latencies 100, 200, ..., 1000 ms; the first four also have a TTFT of 50, 60, 70, 80 ms.
        for (int i = 1; i <= 10; i++) {
            traces.add("{\"id\":\"l" + i + "\",\"spans\":[{\"model\":\"fast\",\"latency_ms\":" + (i * 100)
                    + (i <= 4 ? ",\"time_to_first_token_ms\":" + (40 + i * 10) : "") + "}]}");
        }
        // Model "slow": one call of 5 s. A tool span is not a model call and is left out.
        traces.add("{\"id\":\"l11\",\"spans\":[{\"model\":\"slow\",\"latency_ms\":5000},"
                + "{\"span_type\":\"tool\",\"latency_ms\":99999}]}");
        batch(p, traces);
        JsonNode rows = Llm.await(BLOOP, "/v1/llm/latency", p[2], x -> x.size() == 2
                && x.get(0).get("calls").asLong() == 10);
        JsonNode fast = rows.get(0);
        assertThat(fast.get("model").asText()).isEqualTo("fast");
        // Sorted values v0..v9 = 100..1000; p at rank (n-1)·p, interpolated:
        // p50: 4.5 → 500 + 0.5 × 100 = 550; p90: 8.1 → 900 + 0.1 × 100 = 910; p99: 8.91 → 991.
        assertThat(fast.get("p50_ms").asDouble()).isEqualTo(550.0);
        assertThat(fast.get("p90_ms").asDouble()).isEqualTo(910.0);
        assertThat(fast.get("p99_ms").asDouble()).isCloseTo(991.0, org.assertj.core.data.Offset.offset(1e-9));
        // TTFT 50, 60, 70, 80: p50 at 1.5 → 65.
        assertThat(fast.get("ttft_calls").asLong()).isEqualTo(4);
        assertThat(fast.get("ttft_p50_ms").asDouble()).isEqualTo(65.0);
        JsonNode slow = rows.get(1);
        assertThat(slow.get("p50_ms").asDouble()).isEqualTo(5000.0);
        assertThat(slow.get("ttft_p50_ms").isNull()).isTrue();
        // Over all 11 calls, not an average of the two models' figures: p50 at 5 → 600; p99 at 9.9 → 1000 + 0.9 × 4000.
        JsonNode o = Llm.json(Llm.get(BLOOP, "/v1/llm/overview", p[2]));
        assertThat(o.get("latency_p50_ms").asDouble()).isEqualTo(600.0);
        assertThat(o.get("latency_p99_ms").asDouble()).isCloseTo(4600.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(o.get("calls").asLong()).isEqualTo(11);
        assertThat(o.get("spans").asLong()).isEqualTo(12);
        JsonNode only = Llm.json(Llm.get(BLOOP, "/v1/llm/latency?model=slow", p[2]));
        assertThat(only).hasSize(1);
    }

    @Test
    void usageIsHourlyByModelAndZeroFilled() {
        String[] p = project();
        batch(p, List.of("{\"id\":\"u1\",\"spans\":[{\"model\":\"gpt-4o\",\"provider\":\"openai\",\"input_tokens\":1000,"
                        + "\"output_tokens\":100},{\"model\":\"gpt-4o-mini\",\"provider\":\"openai\",\"input_tokens\":2000}]}",
                "{\"id\":\"u2\",\"spans\":[{\"model\":\"gpt-4o\",\"provider\":\"openai\",\"input_tokens\":500}]}"));
        JsonNode rows = Llm.await(BLOOP, "/v1/llm/usage?hours=3", p[2], x -> x.size() == 6
                && x.get(4).get("spans").asLong() + x.get(2).get("spans").asLong() == 2);
        // Three consecutive hours, oldest first, each with both models; hours without calls are zeros.
        long first = rows.get(0).get("hour_bucket").asLong();
        JsonNode gpt4o = null;
        JsonNode mini = null;
        for (int i = 0; i < 6; i++) {
            JsonNode r = rows.get(i);
            assertThat(r.get("hour_bucket").asLong()).isEqualTo(first + (i / 2) * 3_600_000L);
            assertThat(r.get("model").asText()).isEqualTo(i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini");
            if (r.get("spans").asLong() == 0) {
                assertThat(r.get("cost").decimalValue()).isEqualByComparingTo("0");
                assertThat(r.get("tokens").get("total").asLong()).isZero();
            } else if (i % 2 == 0) {
                gpt4o = r;
            } else {
                mini = r;
            }
        }
        assertThat(first).isEqualTo(Math.floorDiv(System.currentTimeMillis(), 3_600_000L) * 3_600_000L
                - 2 * 3_600_000L);
        assertThat(gpt4o.get("spans").asLong()).isEqualTo(2);
        assertThat(gpt4o.get("tokens").get("input_uncached").asLong()).isEqualTo(1500);
        // 1,500 × $2.50/M + 100 × $10/M = $0.00475.
        assertThat(gpt4o.get("cost").decimalValue()).isEqualByComparingTo("0.00475");
        // 2,000 × $0.15/M = $0.0003.
        assertThat(mini.get("cost_micros").decimalValue()).isEqualByComparingTo("300");
        JsonNode models = Llm.json(Llm.get(BLOOP, "/v1/llm/models", p[2]));
        assertThat(models.get(0).get("model").asText()).isEqualTo("gpt-4o");
        assertThat(models.get(0).get("calls").asLong()).isEqualTo(2);
        assertThat(models.get(0).get("priced").asBoolean()).isTrue();
    }

    @Test
    void theTraceListFiltersCountsAndPages() {
        String[] p = project();
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            traces.add("{\"id\":\"t" + i + "\",\"name\":\"" + (i % 2 == 0 ? "Checkout-assistant" : "search") + "\","
                    + "\"session_id\":\"s" + (i % 3) + "\",\"user_id\":\"u" + (i % 2) + "\",\"status\":\""
                    + (i == 6 ? "error" : "completed") + "\",\"spans\":[{\"model\":\"" + (i < 5 ? "gpt-4o" : "claude-haiku-4-5")
                    + "\",\"provider\":\"" + (i < 5 ? "openai" : "anthropic") + "\",\"input_tokens\":10}]}");
        }
        batch(p, traces);
        Llm.await(BLOOP, "/v1/llm/overview", p[2], x -> x.get("traces").asLong() == 7);

        HttpResponse<String> page = Llm.get(BLOOP, "/v1/llm/traces?limit=3&offset=0", p[2]);
        assertThat(page.headers().firstValue("X-Total-Count")).hasValue("7");
        assertThat(Llm.json(page)).hasSize(3);
        HttpResponse<String> last = Llm.get(BLOOP, "/v1/llm/traces?limit=3&offset=6", p[2]);
        assertThat(Llm.json(last)).hasSize(1);

        assertThat(total("/v1/llm/traces?model=claude-haiku-4-5", p)).isEqualTo(2);
        assertThat(total("/v1/llm/traces?provider=openai", p)).isEqualTo(5);
        assertThat(total("/v1/llm/traces?status=error", p)).isEqualTo(1);
        assertThat(total("/v1/llm/traces?name=checkout", p)).isEqualTo(4);
        assertThat(total("/v1/llm/traces?name=%25", p)).isZero();
        assertThat(total("/v1/llm/traces?session_id=s0", p)).isEqualTo(3);
        assertThat(total("/v1/llm/traces?user_id=u1&model=gpt-4o", p)).isEqualTo(2);
        JsonNode err = Llm.json(Llm.get(BLOOP, "/v1/llm/traces?status=error", p[2])).get(0);
        assertThat(err.get("id").asText()).isEqualTo("t6");
        assertThat(err.get("models").get(0).asText()).isEqualTo("claude-haiku-4-5");

        HttpResponse<String> sessions = Llm.get(BLOOP, "/v1/llm/sessions", p[2]);
        assertThat(sessions.headers().firstValue("X-Total-Count")).hasValue("3");
        JsonNode s0 = null;
        for (JsonNode s : Llm.json(sessions)) {
            if (s.get("session_id").asText().equals("s0")) {
                s0 = s;
            }
        }
        // s0: traces t0, t3, t6 (t6 failed), 10 input tokens each.
        assertThat(s0.get("traces").asLong()).isEqualTo(3);
        assertThat(s0.get("error_traces").asLong()).isEqualTo(1);
        assertThat(s0.get("tokens").get("input_total").asLong()).isEqualTo(30);
        JsonNode o = Llm.json(Llm.get(BLOOP, "/v1/llm/overview", p[2]));
        assertThat(o.get("error_traces").asLong()).isEqualTo(1);
    }

    @Test
    void tracesCarryTheirPromptVersionAndExperimentVariantAndAreFilteredByThem() {
        String[] p = project();
        // Traces may only name an experiment of their project, and one of its variants.
        HttpResponse<String> created = BLOOP.post("/v1/llm/experiments", "{\"name\":\"tone\",\"variants\":"
                + "[{\"name\":\"formal\"},{\"name\":\"friendly\"}]}", Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + BLOOP.token("w", p[3], Scope.LLM_WRITE)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        batch(p, List.of(
                "{\"id\":\"a1\",\"prompt_name\":\"support-reply\",\"prompt_version\":7,\"experiment\":\"tone\","
                        + "\"variant\":\"friendly\",\"spans\":[{\"model\":\"gpt-4o\"}]}",
                "{\"id\":\"a2\",\"prompt_name\":\"support-reply\",\"prompt_version\":\"8\",\"experiment\":\"tone\","
                        + "\"variant\":\"formal\",\"spans\":[{\"model\":\"gpt-4o\"}]}",
                "{\"id\":\"a3\",\"spans\":[{\"model\":\"gpt-4o\"}]}"));
        Llm.await(BLOOP, "/v1/llm/overview", p[2], x -> x.get("traces").asLong() == 3);

        JsonNode a1 = Llm.json(Llm.get(BLOOP, "/v1/llm/traces/a1", p[2]));
        assertThat(a1.get("prompt_name").asText()).isEqualTo("support-reply");
        assertThat(a1.get("prompt_version").asText()).as("a number is kept as the app wrote it").isEqualTo("7");
        assertThat(a1.get("experiment").asText()).isEqualTo("tone");
        assertThat(a1.get("variant").asText()).isEqualTo("friendly");
        assertThat(total("/v1/llm/traces?prompt_name=support-reply", p)).isEqualTo(2);
        assertThat(total("/v1/llm/traces?prompt_name=support-reply&prompt_version=8", p)).isEqualTo(1);
        assertThat(total("/v1/llm/traces?experiment=tone&variant=friendly", p)).isEqualTo(1);
        JsonNode plain = Llm.json(Llm.get(BLOOP, "/v1/llm/traces?limit=200", p[2]));
        for (JsonNode row : plain) {
            if (row.get("id").asText().equals("a3")) {
                assertThat(row.get("prompt_name").isNull()).isTrue();
                assertThat(row.get("experiment").isNull()).isTrue();
            }
        }
    }

    private static long total(String path, String[] p) {
        HttpResponse<String> r = Llm.get(BLOOP, path, p[2]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Long.parseLong(r.headers().firstValue("X-Total-Count").orElseThrow());
    }
}
