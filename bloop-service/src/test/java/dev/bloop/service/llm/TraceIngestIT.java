package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Trace ingest as a client meets it: the same signature checks, order and error shapes as error
 * ingest, the limits, 400s naming the field, running traces completed by {@code PUT}, and projects
 * kept apart.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TraceIngestIT {
    private static final BloopTestApp BLOOP = Llm.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final String JSON_TYPE = "application/json";

    private static HttpResponse<String> post(String path, String body) {
        return Llm.post(BLOOP, path, body);
    }

    private static String token() {
        return BLOOP.token("reader", "default", Scope.LLM_READ);
    }

    private static String error(HttpResponse<String> r) {
        return Llm.json(r).get("error").asText();
    }

    private static String field(HttpResponse<String> r) {
        JsonNode f = Llm.json(r).get("field");
        return f == null ? null : f.asText();
    }

    @Test
    void authChecksRunInTheOrderOfErrorIngest() {
        String body = "{\"id\":\"auth-order\",\"spans\":[]}";
        HttpResponse<String> missing = BLOOP.post("/v1/traces", body, Map.of("Content-Type", JSON_TYPE));
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(error(missing)).contains("missing X-Signature");
        assertThat(field(missing)).isEqualTo("X-Signature");

        HttpResponse<String> notHex = BLOOP.post("/v1/traces", body, Map.of("Content-Type", JSON_TYPE,
                "X-Signature", "not-hex!"));
        assertThat(notHex.statusCode()).isEqualTo(401);
        assertThat(error(notHex)).contains("not hex");

        // The body cap (256 KiB for traces) comes before the key and the signature are looked at.
        String huge = "{\"id\":\"" + "x".repeat(270_000) + "\"}";
        HttpResponse<String> tooBig = BLOOP.post("/v1/traces", huge, Map.of("Content-Type", JSON_TYPE,
                "X-Signature", "00", "X-Project-Key", "nope"));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(error(tooBig)).contains("262144");

        HttpResponse<String> unknownKey = BLOOP.post("/v1/traces", body, Map.of("Content-Type", JSON_TYPE,
                "X-Signature", "00", "X-Project-Key", "bloop_pk_unknown"));
        assertThat(unknownKey.statusCode()).isEqualTo(401);
        assertThat(field(unknownKey)).isEqualTo("X-Project-Key");

        HttpResponse<String> wrong = BLOOP.post("/v1/traces", body, Map.of("Content-Type", JSON_TYPE,
                "X-Signature", Signatures.sign("another-secret-0123456789", body)));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(error(wrong)).contains("does not match").doesNotContain(BloopTestApp.SECRET);

        HttpResponse<String> text = BLOOP.post("/v1/traces", body, Map.of("Content-Type", "text/plain",
                "X-Signature", Signatures.sign(BloopTestApp.SECRET, body)));
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(field(text)).isEqualTo("Content-Type");
        assertThat(BLOOP.count("SELECT count(*) FROM llm_traces WHERE id = 'auth-order'")).isZero();
    }

    @Test
    void badTracesGet400NamingTheField() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"id\":\"a\",\"colour\":\"red\"}", "colour"),
                Map.entry("{\"id\":\"" + "i".repeat(129) + "\"}", "id"),
                Map.entry("{\"id\":\"a\",\"status\":\"done\"}", "status"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"span_type\":\"llm\"}]}", "spans[0].span_type"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"id\":\"s\",\"parent_span_id\":\"nope\"}]}", "spans[0].parent_span_id"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"id\":\"s1\",\"parent_span_id\":\"s2\"},{\"id\":\"s2\","
                        + "\"parent_span_id\":\"s1\"}]}", "spans[0].parent_span_id"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"id\":\"s\",\"parent_span_id\":\"s\"}]}", "spans[0].parent_span_id"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"id\":\"s\"},{\"id\":\"s\"}]}", "spans[1].id"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"output_tokens\":-1}]}", "spans[0].output_tokens"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"output_tokens\":\"12\"}]}", "spans[0].output_tokens"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"output_tokens\":10,\"reasoning_tokens\":11}]}",
                        "spans[0].reasoning_tokens"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"input_tokens\":10,\"cache_read_tokens\":11}]}",
                        "spans[0].input_tokens"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"input_tokens\":10,\"input_uncached_tokens\":5,"
                        + "\"cache_read_tokens\":4}]}", "spans[0].input_tokens"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"cost\":-0.01}]}", "spans[0].cost"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"cost\":\"0.01\"}]}", "spans[0].cost"),
                Map.entry("{\"id\":\"a\",\"metadata\":[1,2]}", "metadata"),
                Map.entry("{\"id\":\"a\",\"variant\":\"b\"}", "experiment"),
                Map.entry("{\"id\":\"a\",\"prompt_name\":\" \"}", "prompt_name"),
                Map.entry("{\"id\":\"a\",\"prompt_version\":1.5}", "prompt_version"),
                Map.entry("{\"id\":\"a\",\"prompt_version\":\"" + "v".repeat(129) + "\"}", "prompt_version"),
                Map.entry("{\"id\":\"a\",\"started_at\":1700000000000,\"ended_at\":1600000000000}", "ended_at"),
                Map.entry("{\"id\":\"a\",\"spans\":[{\"model\":\"" + "m".repeat(201) + "\"}]}", "spans[0].model"));
        cases.forEach((body, expected) -> {
            HttpResponse<String> r = post("/v1/traces", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(field(r)).as(body).isEqualTo(expected);
        });
        StringBuilder many = new StringBuilder("{\"id\":\"many\",\"spans\":[");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        HttpResponse<String> tooMany = post("/v1/traces", many + "]}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(field(tooMany)).isEqualTo("spans");
        assertThat(error(tooMany)).contains("101 spans").contains("100");
        assertThat(post("/v1/traces", "{\"id\":\"a\",").statusCode()).isEqualTo(400);
        assertThat(post("/v1/traces", "[]").statusCode()).isEqualTo(400);
    }

    @Test
    void aBatchAcceptsItsValidTracesAndReportsTheOthersByIndex() {
        String body = "{\"traces\":[{\"id\":\"batch-ok-1\"},{\"id\":\"batch-bad\",\"status\":\"nope\"},"
                + "{\"id\":\"batch-ok-2\",\"spans\":[{\"model\":\"gpt-4o\",\"input_tokens\":1}]}]}";
        HttpResponse<String> r = post("/v1/traces/batch", body);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode b = Llm.json(r);
        assertThat(b.get("accepted").asInt()).isEqualTo(2);
        assertThat(b.get("errors")).hasSize(1);
        assertThat(b.get("errors").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(b.get("errors").get(0).get("field").asText()).isEqualTo("status");
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE id IN ('batch-ok-1', 'batch-ok-2')", 2);
        assertThat(BLOOP.count("SELECT count(*) FROM llm_traces WHERE id = 'batch-bad'")).isZero();

        StringBuilder big = new StringBuilder("{\"traces\":[");
        for (int i = 0; i < 51; i++) {
            big.append(i == 0 ? "" : ",").append("{\"id\":\"over-").append(i).append("\"}");
        }
        HttpResponse<String> over = post("/v1/traces/batch", big + "]}");
        assertThat(over.statusCode()).isEqualTo(400);
        assertThat(field(over)).isEqualTo("traces");
        assertThat(error(over)).contains("50");
        assertThat(BLOOP.count("SELECT count(*) FROM llm_traces WHERE id LIKE 'over-%'")).isZero();
    }

    @Test
    void aRunningTraceIsCompletedByPutWithItsOutputAndMoreSpans() {
        String start = "{\"id\":\"agent-run\",\"name\":\"agent\",\"status\":\"running\",\"started_at\":1700000000000,"
                + "\"spans\":[{\"id\":\"plan\",\"span_type\":\"custom\",\"started_at\":1700000000000}]}";
        assertThat(post("/v1/traces", start).statusCode()).isEqualTo(200);
        // At once, while it may still be queued: the update finds it all the same.
        String update = "{\"status\":\"completed\",\"ended_at\":1700000004000,\"spans\":[{\"id\":\"call\","
                + "\"parent_span_id\":\"plan\",\"model\":\"gpt-4o\",\"input_tokens\":400,\"output_tokens\":40,"
                + "\"started_at\":1700000001000,\"ended_at\":1700000003000},{\"id\":\"lookup\",\"span_type\":\"tool\","
                + "\"parent_span_id\":\"call\",\"started_at\":1700000002000,\"latency_ms\":250}]}";
        HttpResponse<String> put = Llm.put(BLOOP, "/v1/traces/agent-run", update, null, null);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(Llm.json(put).get("id").asText()).isEqualTo("agent-run");

        String token = token();
        JsonNode t = Llm.await(BLOOP, "/v1/llm/traces/agent-run", token, x -> x.get("span_count").asInt() == 3);
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.get("duration_ms").asLong()).isEqualTo(4000);
        // The tree: plan → call → lookup, with offsets from the trace's start and subtree totals.
        JsonNode plan = t.get("spans").get(0);
        assertThat(t.get("spans")).hasSize(1);
        assertThat(plan.get("id").asText()).isEqualTo("plan");
        JsonNode call = plan.get("children").get(0);
        assertThat(call.get("id").asText()).isEqualTo("call");
        assertThat(call.get("offset_ms").asLong()).isEqualTo(1000);
        assertThat(call.get("latency_ms").asLong()).isEqualTo(2000);
        assertThat(call.get("children").get(0).get("id").asText()).isEqualTo("lookup");
        assertThat(call.get("children").get(0).get("offset_ms").asLong()).isEqualTo(2000);
        assertThat(plan.get("subtree_tokens").get("total").asLong()).isEqualTo(440);
        // gpt-4o: 400 × $2.50/M + 40 × $10/M = $0.0014, rolled up to the root and the trace.
        assertThat(plan.get("subtree_cost").decimalValue()).isEqualByComparingTo("0.0014");
        assertThat(t.get("cost").decimalValue()).isEqualByComparingTo("0.0014");
        assertThat(t.get("models").get(0).asText()).isEqualTo("gpt-4o");

        // A later update may not hang a span under one the trace does not have.
        HttpResponse<String> orphan = Llm.put(BLOOP, "/v1/traces/agent-run",
                "{\"spans\":[{\"id\":\"x\",\"parent_span_id\":\"missing\"}]}", null, null);
        assertThat(orphan.statusCode()).isEqualTo(400);
        assertThat(field(orphan)).isEqualTo("spans[0].parent_span_id");
        HttpResponse<String> cycle = Llm.put(BLOOP, "/v1/traces/agent-run",
                "{\"spans\":[{\"id\":\"plan\",\"parent_span_id\":\"lookup\"}]}", null, null);
        assertThat(cycle.statusCode()).isEqualTo(400);
        assertThat(error(cycle)).contains("cycle");
    }

    @Test
    void anUpdateOfAnUnknownTraceOrAnotherProjectsTraceIs404() {
        BLOOP.addProject("p-other", "other", "bloop_pk_other", "bloop_sk_other_secret_0123");
        assertThat(post("/v1/traces", "{\"id\":\"mine\"}").statusCode()).isEqualTo(200);
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE id = 'mine'", 1);

        HttpResponse<String> unknown = Llm.put(BLOOP, "/v1/traces/never-sent", "{\"status\":\"completed\"}", null, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(field(unknown)).isEqualTo("id");
        HttpResponse<String> other = Llm.put(BLOOP, "/v1/traces/mine", "{\"status\":\"error\"}", "bloop_pk_other",
                "bloop_sk_other_secret_0123");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(BLOOP.count("SELECT count(*) FROM llm_traces WHERE id = 'mine' AND status = 'completed'")).isEqualTo(1);

        // Nor does the other project's token see it.
        String otherToken = BLOOP.token("other", "p-other", Scope.LLM_READ);
        assertThat(Llm.get(BLOOP, "/v1/llm/traces/mine", otherToken).statusCode()).isEqualTo(404);
        assertThat(Llm.json(Llm.get(BLOOP, "/v1/llm/traces?hours=720", otherToken))).isEmpty();
        assertThat(Llm.get(BLOOP, "/v1/llm/traces/mine", token()).statusCode()).isEqualTo(200);
    }

    @Test
    void tokensNeedTheLlmScopes() {
        String errorsOnly = BLOOP.token("errors", "default", Scope.ERRORS_READ);
        HttpResponse<String> r = Llm.get(BLOOP, "/v1/llm/overview", errorsOnly);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Llm.json(r).get("scope").asText()).isEqualTo("llm:read");
        HttpResponse<String> w = Llm.putJson(BLOOP, "/v1/llm/settings", token(), "{\"content_storage\":\"full\"}");
        assertThat(w.statusCode()).isEqualTo(403);
        assertThat(Llm.json(w).get("scope").asText()).isEqualTo("llm:write");
        assertThat(BLOOP.get(BLOOP.url("/v1/llm/overview")).statusCode()).isEqualTo(401);
    }

    @Test
    void badQueryParametersGet400NamingTheParameter() {
        String token = token();
        Map<String, String> cases = Map.of("/v1/llm/overview?hours=721", "hours", "/v1/llm/usage?hours=0", "hours",
                "/v1/llm/traces?limit=201", "limit", "/v1/llm/traces?offset=-1", "offset",
                "/v1/llm/traces?status=done", "status", "/v1/llm/latency?hours=x", "hours",
                "/v1/llm/models?unpriced=maybe", "unpriced", "/v1/llm/sessions?limit=0", "limit");
        cases.forEach((path, param) -> {
            HttpResponse<String> r = Llm.get(BLOOP, path, token);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(field(r)).as(path).isEqualTo(param);
        });
        HttpResponse<String> badPrice = Llm.putJson(BLOOP, "/v1/llm/prices", BLOOP.token("w", "default",
                Scope.LLM_WRITE), "{\"overrides\":[{\"model\":\"m\",\"input\":1,\"output\":1,\"colour\":1}]}");
        assertThat(badPrice.statusCode()).isEqualTo(400);
        assertThat(field(badPrice)).isEqualTo("overrides[0].colour");
        HttpResponse<String> tooFine = Llm.putJson(BLOOP, "/v1/llm/prices", BLOOP.token("w", "default",
                Scope.LLM_WRITE), "{\"overrides\":[{\"model\":\"m\",\"input\":0.0000001,\"output\":1}]}");
        assertThat(tooFine.statusCode()).isEqualTo(400);
        assertThat(field(tooFine)).isEqualTo("overrides[0].input");
    }
}
