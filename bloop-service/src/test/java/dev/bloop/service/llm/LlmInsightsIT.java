package dev.bloop.service.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tools, retrieval and prompt-version tables, the version comparison and search, on known traces. */
@ExtendWith(DropwizardExtensionsSupport.class)
class LlmInsightsIT {
    private static final BloopTestApp BLOOP = Llm.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final AtomicInteger PROJECTS = new AtomicInteger();
    private static final long T0 = 1_700_000_000_000L;

    /** [key, secret, read+write token, project id]. */
    private static String[] project(String storage) {
        int n = PROJECTS.incrementAndGet();
        String id = "p-in-" + n;
        BLOOP.addProject(id, "in-" + n, "bloop_pk_in_" + n, "bloop_sk_in_secret_000" + n);
        String[] p = {"bloop_pk_in_" + n, "bloop_sk_in_secret_000" + n, BLOOP.token("rw", id, Scope.LLM_READ,
                Scope.LLM_WRITE), id};
        if (storage != null) {
            HttpResponse<String> r = Llm.putJson(BLOOP, "/v1/llm/settings", p[2], "{\"content_storage\":\"" + storage
                    + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        return p;
    }

    private static void traces(String[] p, List<String> traces) {
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces/batch", "{\"traces\":[" + String.join(",", traces) + "]}",
                p[0], p[1]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Llm.json(r).get("errors")).as(r.body()).isEmpty();
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE project_id = '" + p[3] + "'", traces.size());
    }

    private static HttpResponse<String> post(String path, String token, String body) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonNode get(String path, String token) {
        HttpResponse<String> r = Llm.get(BLOOP, path, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Llm.json(r);
    }

    private static void refused(String path, String token, String field) {
        HttpResponse<String> r = Llm.get(BLOOP, path, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(Llm.json(r).get("field").asText()).isEqualTo(field);
    }

    @Test
    void toolsAndRetrievalSourcesHaveCallsErrorsExactLatencyPercentilesCostAndDocuments() {
        String[] p = project("metadata_only");
        traces(p, List.of(
                "{\"id\":\"t1\",\"spans\":[{\"span_type\":\"tool\",\"name\":\"web\",\"latency_ms\":40,\"cost\":0.001},"
                        + "{\"span_type\":\"tool\",\"name\":\"web\",\"latency_ms\":10,\"cost\":0.001,\"status\":\"error\"},"
                        + "{\"span_type\":\"tool\",\"name\":\"sql\",\"latency_ms\":5}]}",
                "{\"id\":\"t2\",\"spans\":[{\"span_type\":\"tool\",\"name\":\"web\",\"latency_ms\":30,\"cost\":0.001},"
                        + "{\"span_type\":\"tool\",\"name\":\"web\",\"latency_ms\":20,\"cost\":0.001},"
                        + "{\"span_type\":\"retrieval\",\"name\":\"docs\",\"latency_ms\":300,"
                        + "\"metadata\":{\"documents\":3,\"relevance\":0.5}},"
                        + "{\"span_type\":\"retrieval\",\"name\":\"docs\",\"latency_ms\":100,"
                        + "\"metadata\":{\"documents\":[\"a\",\"b\"],\"relevance\":0.9}},"
                        + "{\"span_type\":\"retrieval\",\"name\":\"docs\",\"latency_ms\":200,\"metadata\":{\"documents\":0}},"
                        + "{\"model\":\"gpt-4o\",\"latency_ms\":9999}]}"));
        JsonNode tools = get("/v1/llm/tools", p[2]);
        assertThat(tools).as("model calls are not tools").hasSize(2);
        JsonNode web = tools.get(0);
        assertThat(web.get("name").asText()).isEqualTo("web");
        assertThat(web.get("calls").asLong()).isEqualTo(4);
        assertThat(web.get("errors").asLong()).isEqualTo(1);
        assertThat(web.get("error_rate").asDouble()).isEqualTo(0.25);
        // Sorted 10, 20, 30, 40: p50 at rank 1.5 → 25; p99 at rank 2.97 → 30 + 0.97 × 10.
        assertThat(web.get("p50_ms").asDouble()).isEqualTo(25.0);
        assertThat(web.get("p99_ms").asDouble()).isCloseTo(39.7, within(1e-9));
        assertThat(web.get("cost").decimalValue()).isEqualByComparingTo("0.004");
        assertThat(tools.get(1).get("name").asText()).isEqualTo("sql");
        assertThat(tools.get(1).get("p99_ms").asDouble()).isEqualTo(5.0);

        JsonNode rag = get("/v1/llm/rag", p[2]);
        assertThat(rag).hasSize(1);
        JsonNode docs = rag.get(0);
        assertThat(docs.get("source").asText()).isEqualTo("docs");
        assertThat(docs.get("calls").asLong()).isEqualTo(3);
        assertThat(docs.get("p50_ms").asDouble()).isEqualTo(200.0);
        assertThat(docs.get("p99_ms").asDouble()).isCloseTo(298.0, within(1e-9));
        // 3 + 2 (a list of two) + 0 documents; one empty result; relevance (0.5 + 0.9) / 2.
        assertThat(docs.get("documents").asLong()).isEqualTo(5);
        assertThat(docs.get("mean_documents").asDouble()).isCloseTo(5 / 3.0, within(1e-9));
        assertThat(docs.get("empty_results").asLong()).isEqualTo(1);
        assertThat(docs.get("mean_relevance").asDouble()).isCloseTo(0.7, within(1e-9));

        String[] other = project(null);
        assertThat(get("/v1/llm/tools", other[2])).isEmpty();
        assertThat(get("/v1/llm/rag", other[2])).isEmpty();
        refused("/v1/llm/tools?hours=abc", p[2], "hours");
    }

    private static String promptTrace(String id, String version, long durationMs, String cost, boolean error) {
        return "{\"id\":\"" + id + "\",\"prompt_name\":\"qa\",\"prompt_version\":\"" + version + "\",\"started_at\":"
                + T0 + ",\"ended_at\":" + (T0 + durationMs) + (error ? ",\"status\":\"error\"" : "")
                + ",\"spans\":[{\"model\":\"gpt-4o\",\"cost\":" + cost + "}]}";
    }

    @Test
    void promptsAndTheirVersionsHaveCallsCostLatencyErrorsScoresAndVotes() {
        String[] p = project(null);
        traces(p, List.of(promptTrace("a1", "1", 100, "0.001", false), promptTrace("a2", "1", 200, "0.001", true),
                promptTrace("a3", "1", 300, "0.001", false), promptTrace("b1", "2", 50, "0.002", false),
                promptTrace("b2", "2", 70, "0.002", false),
                "{\"id\":\"s1\",\"prompt_name\":\"summarize\",\"prompt_version\":\"7\"}", "{\"id\":\"none\"}"));
        for (String[] s : new String[][] {{"a1", "0.2"}, {"a2", "0.4"}, {"b1", "0.9"}}) {
            assertThat(post("/v1/llm/traces/" + s[0] + "/scores", p[2], "{\"name\":\"accuracy\",\"value\":" + s[1] + "}")
                    .statusCode()).isEqualTo(200);
        }
        assertThat(post("/v1/llm/traces/a1/feedback", p[2], "{\"value\":1}").statusCode()).isEqualTo(200);

        JsonNode prompts = get("/v1/llm/prompts", p[2]);
        assertThat(prompts).as("traces without a prompt are not a prompt").hasSize(2);
        Map<String, JsonNode> byName = new HashMap<>();
        prompts.forEach(x -> byName.put(x.get("name").asText(), x));
        JsonNode qa = byName.get("qa");
        assertThat(qa.get("versions").asInt()).isEqualTo(2);
        assertThat(qa.get("calls").asLong()).isEqualTo(5);
        assertThat(qa.get("errors").asLong()).isEqualTo(1);
        assertThat(qa.get("cost").decimalValue()).isEqualByComparingTo("0.007");
        assertThat(qa.get("mean_latency_ms").asDouble()).isEqualTo(144.0); // (100 + 200 + 300 + 50 + 70) / 5
        assertThat(qa.get("scores").get(0).get("mean").asDouble()).isCloseTo(0.5, within(1e-9)); // 1.5 / 3
        assertThat(byName.get("summarize").get("calls").asLong()).isEqualTo(1);

        JsonNode versions = get("/v1/llm/prompts/qa/versions", p[2]);
        assertThat(versions).hasSize(2);
        Map<String, JsonNode> byVersion = new HashMap<>();
        versions.forEach(x -> byVersion.put(x.get("version").asText(), x));
        JsonNode v1 = byVersion.get("1");
        assertThat(v1.get("calls").asLong()).isEqualTo(3);
        assertThat(v1.get("error_rate").asDouble()).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(v1.get("mean_cost").decimalValue()).isEqualByComparingTo("0.001");
        assertThat(v1.get("mean_latency_ms").asDouble()).isEqualTo(200.0);
        assertThat(v1.get("p50_latency_ms").asDouble()).isEqualTo(200.0);
        assertThat(v1.get("scores").get(0).get("mean").asDouble()).isCloseTo(0.3, within(1e-9));
        assertThat(v1.get("scores").get(0).get("count").asLong()).isEqualTo(2);
        assertThat(v1.get("feedback_total").asLong()).isEqualTo(1);
        assertThat(v1.get("feedback_positive").asLong()).isEqualTo(1);
        assertThat(byVersion.get("2").get("p50_latency_ms").asDouble()).isEqualTo(60.0);
        assertThat(byVersion.get("2").get("mean_cost").decimalValue()).isEqualByComparingTo("0.002");

        String[] other = project(null);
        assertThat(get("/v1/llm/prompts", other[2])).isEmpty();
        assertThat(get("/v1/llm/prompts/qa/versions", other[2])).isEmpty();
        assertThat(Llm.get(BLOOP, "/v1/llm/prompts/qa/compare?v1=1&v2=2", other[2]).statusCode()).isEqualTo(404);
    }

    @Test
    void comparingTwoVersionsTestsEachMetricAndAdjustsForTheirNumber() {
        String[] p = project(null);
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // v2 is faster on every call and cheaper; errors are rare and equal.
            traces.add(promptTrace("x" + i, "6", 1000 + i * 10, "0.002", i == 0));
            traces.add(promptTrace("y" + i, "7", 100 + i * 10, "0.001", i == 0));
        }
        traces(p, traces);
        JsonNode c = get("/v1/llm/prompts/qa/compare?v1=6&v2=7", p[2]);
        assertThat(c.get("v1").get("calls").asLong()).isEqualTo(20);
        assertThat(c.get("v2").get("calls").asLong()).isEqualTo(20);
        Map<String, JsonNode> m = new HashMap<>();
        c.get("metrics").forEach(x -> m.put(x.get("metric").asText(), x));
        JsonNode latency = m.get("latency_ms");
        assertThat(latency.get("test").asText()).isEqualTo("mann_whitney_u");
        assertThat(latency.get("n1").asLong()).isEqualTo(20);
        // Medians: 1000 + 95 and 100 + 95.
        assertThat(latency.get("value1").asDouble()).isEqualTo(1095.0);
        assertThat(latency.get("value2").asDouble()).isEqualTo(195.0);
        assertThat(latency.get("significant").asBoolean()).isTrue();
        assertThat(latency.get("better").asText()).isEqualTo("v2");
        assertThat(latency.get("p_adjusted").asDouble()).isGreaterThanOrEqualTo(latency.get("p_value").asDouble())
                .isLessThan(0.05);
        JsonNode cost = m.get("cost");
        assertThat(cost.get("test").asText()).isEqualTo("welch_t");
        assertThat(cost.get("difference").asDouble()).isCloseTo(-0.001, within(1e-12));
        assertThat(cost.get("better").asText()).isEqualTo("v2");
        JsonNode errors = m.get("error_rate");
        assertThat(errors.get("test").asText()).as("1 of 20 each: expected cells under 5").isEqualTo("fisher_exact");
        assertThat(errors.get("p_value").asDouble()).isEqualTo(1.0);
        assertThat(errors.get("significant").asBoolean()).isFalse();
        assertThat(errors.get("better").isNull()).isTrue();
        JsonNode votes = m.get("thumbs_up_rate");
        assertThat(votes.get("test").isNull()).isTrue();
        assertThat(votes.get("note").asText()).contains("both versions");

        refused("/v1/llm/prompts/qa/compare?v2=7", p[2], "v1");
        refused("/v1/llm/prompts/qa/compare?v1=6", p[2], "v2");
        refused("/v1/llm/prompts/qa/compare?v1=6&v2=6", p[2], "v2");
        HttpResponse<String> missing = Llm.get(BLOOP, "/v1/llm/prompts/qa/compare?v1=6&v2=99", p[2]);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Llm.json(missing).get("field").asText()).isEqualTo("v2");
    }

    @Test
    void searchFindsTraceNamesSpanNamesErrorsAndOnlyKeptContent() {
        String[] full = project("full");
        String[] none = project(null);
        String trace = "{\"id\":\"s1\",\"name\":\"refund policy lookup\",\"input\":\"the secret word is zebra\","
                + "\"spans\":[{\"id\":\"v\",\"span_type\":\"retrieval\",\"name\":\"vector-search\",\"status\":\"error\","
                + "\"error_message\":\"timeout contacting pinecone\"}]}";
        traces(full, List.of(trace));
        traces(none, List.of(trace));
        JsonNode refund = get("/v1/llm/search?q=refu", full[2]);
        assertThat(refund).as("a word prefix of the trace name").hasSize(1);
        assertThat(refund.get(0).get("trace_id").asText()).isEqualTo("s1");
        assertThat(refund.get(0).get("span_id").isNull()).isTrue();
        JsonNode pinecone = get("/v1/llm/search?q=pinecone%20timeout", full[2]);
        assertThat(pinecone).hasSize(1);
        assertThat(pinecone.get(0).get("span_id").asText()).isEqualTo("v");
        assertThat(pinecone.get(0).get("trace_name").asText()).isEqualTo("refund policy lookup");
        assertThat(pinecone.get(0).get("error_message").asText()).contains("pinecone");
        assertThat(get("/v1/llm/search?q=vector", full[2])).hasSize(1);
        assertThat(get("/v1/llm/search?q=zebra", full[2])).as("content kept under full").hasSize(1);
        assertThat(get("/v1/llm/search?q=zebra", none[2])).as("content never stored under none").isEmpty();
        assertThat(get("/v1/llm/search?q=pinecone", none[2])).as("each project finds its own").hasSize(1);
        String[] third = project(null);
        assertThat(get("/v1/llm/search?q=refund", third[2])).isEmpty();
        assertThat(get("/v1/llm/search?q=%22%29%28*", full[2])).as("no word: nothing, and no FTS syntax").isEmpty();
        refused("/v1/llm/search", full[2], "q");
        refused("/v1/llm/search?q=x&limit=0", full[2], "limit");
    }
}
