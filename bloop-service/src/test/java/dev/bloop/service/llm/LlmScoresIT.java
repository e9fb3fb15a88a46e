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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scores and user feedback on traces and spans through the API: upserts, summaries on known sets, checks, isolation. */
@ExtendWith(DropwizardExtensionsSupport.class)
class LlmScoresIT {
    static {
        dev.bloop.service.ConsoleCapture.install();
    }

    private static final BloopTestApp BLOOP = Llm.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final AtomicInteger PROJECTS = new AtomicInteger();

    /** [key, secret, read+write token, read-only token]. */
    static String[] project() {
        int n = PROJECTS.incrementAndGet();
        String id = "p-sc-" + n;
        BLOOP.addProject(id, "sc-" + n, "bloop_pk_sc_" + n, "bloop_sk_sc_secret_000" + n);
        return new String[] {"bloop_pk_sc_" + n, "bloop_sk_sc_secret_000" + n,
                BLOOP.token("rw", id, Scope.LLM_READ, Scope.LLM_WRITE), BLOOP.token("ro", id, Scope.LLM_READ)};
    }

    static HttpResponse<String> postJson(String path, String token, String body) {
        return BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url(path))).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    private static void traces(String[] p, List<String> traces) {
        HttpResponse<String> r = Llm.post(BLOOP, "/v1/traces/batch", "{\"traces\":[" + String.join(",", traces) + "]}",
                p[0], p[1]);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Llm.json(r).get("errors")).isEmpty();
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE project_id = 'p-sc-" + p[0].substring(12)
                + "'", traces.size());
    }

    private static void ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static void refused(HttpResponse<String> r, int status, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(Llm.json(r).path("field").asText()).as(r.body()).isEqualTo(field);
    }

    @Test
    void scoreSummaryHasExactPercentilesDistributionAndMeansByModelAndPromptVersion() {
        String[] p = project();
        double[] values = {0.0, 0.1, 0.2, 0.35, 0.5, 0.6, 0.75, 0.8, 0.9, 1.0};
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            traces.add("{\"id\":\"t" + i + "\",\"prompt_name\":\"qa\",\"prompt_version\":\"" + (i % 2 == 0 ? "1" : "2")
                    + "\",\"spans\":[{\"id\":\"s\",\"model\":\"" + (i < 5 ? "a" : "b") + "\"}]}");
        }
        traces(p, traces);
        // Scored out of order, and t3 first with another value that the second replaces.
        ok(postJson("/v1/llm/traces/t3/scores", p[2], "{\"name\":\"accuracy\",\"value\":0.99}"));
        for (int i : new int[] {7, 2, 9, 0, 5, 3, 8, 1, 6, 4}) {
            ok(postJson("/v1/llm/traces/t" + i + "/scores", p[2], "{\"name\":\"accuracy\",\"value\":" + values[i]
                    + ",\"source\":\"auto\",\"comment\":\"judge\"}"));
        }
        // Another name, and a categorical score of the same name, are not in the numbers.
        ok(postJson("/v1/llm/traces/t0/scores", p[2], "{\"name\":\"tone\",\"value\":0.1}"));
        JsonNode s = Llm.json(Llm.get(BLOOP, "/v1/llm/scores/summary?name=accuracy", p[3]));
        assertThat(s.get("count").asLong()).isEqualTo(10);
        // Sum 5.2 over 10.
        assertThat(s.get("mean").asDouble()).isCloseTo(0.52, within(1e-9));
        // Sorted v0..v9; rank 9p: p10 → 0.9 → 0 + 0.9 × 0.1; p50 → 4.5 → 0.5 + 0.5 × 0.1; p90 → 8.1 → 0.9 + 0.1 × 0.1.
        assertThat(s.get("p10").asDouble()).isCloseTo(0.09, within(1e-9));
        assertThat(s.get("p50").asDouble()).isCloseTo(0.55, within(1e-9));
        assertThat(s.get("p90").asDouble()).isCloseTo(0.91, within(1e-9));
        List<Long> buckets = new ArrayList<>();
        s.get("distribution").forEach(b -> buckets.add(b.get("count").asLong()));
        // [0, .2): 0, .1 | [.2, .4): .2, .35 | [.4, .6): .5 | [.6, .8): .6, .75 | [.8, 1]: .8, .9, 1
        assertThat(buckets).containsExactly(2L, 2L, 1L, 2L, 3L);
        assertThat(s.get("distribution").get(4).get("from").asDouble()).isEqualTo(0.8);
        JsonNode byModel = s.get("by_model");
        assertThat(byModel).hasSize(2);
        assertThat(byModel.get(0).get("model").asText()).isEqualTo("a");
        assertThat(byModel.get(0).get("count").asLong()).isEqualTo(5);
        assertThat(byModel.get(0).get("mean").asDouble()).isCloseTo(0.23, within(1e-9)); // 1.15 / 5
        assertThat(byModel.get(1).get("mean").asDouble()).isCloseTo(0.81, within(1e-9)); // 4.05 / 5
        JsonNode byVersion = s.get("by_prompt_version");
        assertThat(byVersion).hasSize(2);
        assertThat(byVersion.get(0).get("prompt_name").asText()).isEqualTo("qa");
        assertThat(byVersion.get(0).get("prompt_version").asText()).isEqualTo("1");
        assertThat(byVersion.get(0).get("mean").asDouble()).isCloseTo(0.47, within(1e-9)); // 2.35 / 5
        assertThat(byVersion.get(1).get("mean").asDouble()).isCloseTo(0.57, within(1e-9)); // 2.85 / 5

        JsonNode t3 = Llm.json(Llm.get(BLOOP, "/v1/llm/traces/t3/scores", p[3]));
        assertThat(t3).as("the second accuracy of t3 replaced the first").hasSize(1);
        assertThat(t3.get(0).get("value").asDouble()).isEqualTo(0.35);
        assertThat(t3.get(0).get("source").asText()).isEqualTo("auto");
        assertThat(t3.get(0).get("comment").asText()).isEqualTo("judge");
        assertThat(t3.get(0).get("span_id").isNull()).isTrue();
    }

    @Test
    void spansAreScoredByTheirOwnModelAndCategoriesAreCounted() {
        String[] p = project();
        traces(p, List.of("{\"id\":\"r1\",\"spans\":[{\"id\":\"gen\",\"model\":\"big\"},{\"id\":\"emb\",\"model\":\"small\","
                + "\"parent_span_id\":\"gen\"}]}"));
        ok(postJson("/v1/llm/traces/r1/scores", p[2], "{\"name\":\"relevance\",\"value\":0.25,\"span_id\":\"emb\"}"));
        ok(postJson("/v1/llm/traces/r1/scores", p[2], "{\"name\":\"relevance\",\"value\":0.75,\"span_id\":\"gen\"}"));
        ok(postJson("/v1/llm/traces/r1/scores", p[2], "{\"name\":\"relevance\",\"category\":\"partial\"}"));
        refused(postJson("/v1/llm/traces/r1/scores", p[2], "{\"name\":\"relevance\",\"value\":0.5,\"span_id\":\"nope\"}"),
                404, "span_id");
        JsonNode s = Llm.json(Llm.get(BLOOP, "/v1/llm/scores/summary?name=relevance", p[3]));
        assertThat(s.get("count").asLong()).isEqualTo(2);
        assertThat(s.get("by_model").get(0).get("model").asText()).isEqualTo("big");
        assertThat(s.get("by_model").get(0).get("mean").asDouble()).isEqualTo(0.75);
        assertThat(s.get("by_model").get(1).get("model").asText()).isEqualTo("small");
        assertThat(s.get("categories").get(0).get("category").asText()).isEqualTo("partial");
        assertThat(s.get("categories").get(0).get("count").asLong()).isEqualTo(1);
        JsonNode list = Llm.json(Llm.get(BLOOP, "/v1/llm/traces/r1/scores", p[3]));
        assertThat(list).hasSize(3);
    }

    @Test
    void badScoresAreRefusedNamingTheField() {
        String[] p = project();
        traces(p, List.of("{\"id\":\"v1\"}"));
        String path = "/v1/llm/traces/v1/scores";
        refused(postJson(path, p[2], "{\"name\":\"has space\",\"value\":0.5}"), 400, "name");
        refused(postJson(path, p[2], "{\"name\":\"" + "n".repeat(65) + "\",\"value\":0.5}"), 400, "name");
        refused(postJson(path, p[2], "{\"value\":0.5}"), 400, "name");
        refused(postJson(path, p[2], "{\"name\":\"ok\",\"value\":1.5}"), 400, "value");
        refused(postJson(path, p[2], "{\"name\":\"ok\",\"value\":-0.1}"), 400, "value");
        refused(postJson(path, p[2], "{\"name\":\"ok\"}"), 400, "value");
        refused(postJson(path, p[2], "{\"name\":\"ok\",\"value\":\"high\"}"), 400, "value");
        refused(postJson(path, p[2], "{\"name\":\"ok\",\"value\":0.5,\"category\":\"x\"}"), 400, "category");
        refused(postJson(path, p[2], "{\"name\":\"ok\",\"value\":0.5,\"source\":\"robot\"}"), 400, "source");
        // 251 characters of two bytes each: 502 bytes.
        refused(postJson(path, p[2], "{\"name\":\"ok\",\"value\":0.5,\"comment\":\"" + "é".repeat(251) + "\"}"), 400,
                "comment");
        refused(postJson(path, p[2], "{\"name\":\"ok\",\"value\":0.5,\"weight\":2}"), 400, "weight");
        refused(Llm.get(BLOOP, "/v1/llm/scores/summary", p[3]), 400, "name");
        refused(Llm.get(BLOOP, "/v1/llm/scores/summary?name=ok&hours=0", p[3]), 400, "hours");
        assertThat(postJson(path, p[3], "{\"name\":\"ok\",\"value\":0.5}").statusCode())
                .as("llm:read cannot score").isEqualTo(403);
        ok(postJson(path, p[2], "{\"name\":\"ok\",\"value\":0.5,\"comment\":\"" + "é".repeat(250) + "\"}"));
    }

    @Test
    void anotherProjectSeesNoneOfItAndCannotScoreOrVoteOnItsTraces() {
        String[] p = project();
        String[] other = project();
        traces(p, List.of("{\"id\":\"iso\"}"));
        ok(postJson("/v1/llm/traces/iso/scores", p[2], "{\"name\":\"accuracy\",\"value\":1}"));
        ok(postJson("/v1/llm/traces/iso/feedback", p[2], "{\"value\":1,\"user_id\":\"u\"}"));
        refused(postJson("/v1/llm/traces/iso/scores", other[2], "{\"name\":\"accuracy\",\"value\":0}"), 404, "id");
        refused(postJson("/v1/llm/traces/iso/feedback", other[2], "{\"value\":-1}"), 404, "id");
        refused(Llm.get(BLOOP, "/v1/llm/traces/iso/scores", other[3]), 404, "id");
        refused(Llm.get(BLOOP, "/v1/llm/traces/iso/feedback", other[3]), 404, "id");
        assertThat(Llm.json(Llm.get(BLOOP, "/v1/llm/scores/summary?name=accuracy", other[3])).get("count").asLong())
                .isZero();
        // Signed with the other project's key: that project has no such trace.
        String vote = "{\"value\":-1,\"user_id\":\"x\"}";
        refused(Llm.post(BLOOP, "/v1/traces/iso/feedback", vote, other[0], other[1]), 404, "id");
        assertThat(Llm.json(Llm.get(BLOOP, "/v1/llm/traces/iso/feedback", p[3]))).hasSize(1);
        assertThat(Llm.json(Llm.get(BLOOP, "/v1/llm/traces/iso/scores", p[3])).get(0).get("value").asDouble())
                .isEqualTo(1.0);
        // A page of the trace list gets its scores and votes in one call, of its own project only.
        JsonNode mine = Llm.json(Llm.get(BLOOP, "/v1/llm/evaluations?trace_id=iso&trace_id=unknown", p[3]));
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).get("scores").get(0).get("name").asText()).isEqualTo("accuracy");
        assertThat(mine.get(0).get("feedback_positive").asLong()).isEqualTo(1);
        assertThat(Llm.json(Llm.get(BLOOP, "/v1/llm/evaluations?trace_id=iso", other[3]))).isEmpty();
        refused(Llm.get(BLOOP, "/v1/llm/evaluations", p[3]), 400, "trace_id");
    }

    @Test
    void oneVotePerUserAndTraceAndSdksAttachVotesSignedByTraceId() {
        String[] p = project();
        traces(p, List.of("{\"id\":\"f1\"}"));
        ok(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"value\":1,\"user_id\":\"u1\"}"));
        ok(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"value\":1,\"user_id\":\"u2\",\"comment\":\"great\"}"));
        ok(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"value\":-1,\"user_id\":\"u1\",\"comment\":\"changed my mind\"}"));
        ok(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"value\":1}"));
        HttpResponse<String> signed = Llm.post(BLOOP, "/v1/traces/f1/feedback", "{\"value\":-1,\"user_id\":\"u3\"}",
                p[0], p[1]);
        ok(signed);
        assertThat(Llm.json(signed).get("user_id").asText()).isEqualTo("u3");
        JsonNode list = Llm.json(Llm.get(BLOOP, "/v1/llm/traces/f1/feedback", p[3]));
        assertThat(list).hasSize(4);
        java.util.Map<String, Integer> votes = new java.util.TreeMap<>();
        list.forEach(v -> votes.put(v.get("user_id").asText(), v.get("value").asInt()));
        assertThat(votes).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("anonymous", 1, "u1", -1, "u2", 1,
                "u3", -1)));

        refused(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"value\":2}"), 400, "value");
        refused(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"value\":0}"), 400, "value");
        refused(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"user_id\":\"u\"}"), 400, "value");
        refused(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"value\":1,\"user_id\":\"\"}"), 400, "user_id");
        refused(postJson("/v1/llm/traces/f1/feedback", p[2], "{\"value\":1,\"comment\":\"" + "x".repeat(501) + "\"}"),
                400, "comment");
        refused(Llm.post(BLOOP, "/v1/traces/f1/feedback", "{\"value\":5}", p[0], p[1]), 400, "value");
        refused(Llm.post(BLOOP, "/v1/traces/f1/feedback", "{\"value\":1,\"stars\":5}", p[0], p[1]), 400, "stars");
        refused(Llm.post(BLOOP, "/v1/traces/nope/feedback", "{\"value\":1}", p[0], p[1]), 404, "id");
    }

    @Test
    void feedbackSummaryGivesThePositiveRateWithItsWilsonInterval() {
        String[] p = project();
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            traces.add("{\"id\":\"w" + i + "\"}");
        }
        traces(p, traces);
        JsonNode none = Llm.json(Llm.get(BLOOP, "/v1/llm/feedback/summary", p[3]));
        assertThat(none.get("total").asLong()).isZero();
        assertThat(none.get("positive_rate").isNull()).isTrue();
        for (int i = 0; i < 10; i++) {
            ok(postJson("/v1/llm/traces/w" + i + "/feedback", p[2], "{\"value\":" + (i < 8 ? 1 : -1) + "}"));
        }
        JsonNode s = Llm.json(Llm.get(BLOOP, "/v1/llm/feedback/summary?hours=1", p[3]));
        assertThat(s.get("total").asLong()).isEqualTo(10);
        assertThat(s.get("positive").asLong()).isEqualTo(8);
        assertThat(s.get("negative").asLong()).isEqualTo(2);
        assertThat(s.get("positive_rate").asDouble()).isEqualTo(0.8);
        // Wilson, z = 1.959964: centre (0.8 + z²/20) / (1 + z²/10) = 0.716738,
        // half-width z·sqrt(0.8·0.2/10 + z²/400) / (1 + z²/10) = 0.226578.
        assertThat(s.get("ci_low").asDouble()).isCloseTo(0.490160, within(1e-5));
        assertThat(s.get("ci_high").asDouble()).isCloseTo(0.943317, within(1e-5));
        refused(Llm.get(BLOOP, "/v1/llm/feedback/summary?hours=721", p[3]), 400, "hours");
    }

    @Test
    void aDashboardSessionScoresAndVotesInTheProjectItNamesNotTheDefaultOne() {
        String[] p = project();
        String id = "p-sc-" + p[0].substring(12);
        traces(p, List.of("{\"id\":\"sess\"}"));
        dev.bloop.service.auth.WebSession admin = dev.bloop.service.auth.Ceremonies.registerFirstAdmin(BLOOP, "ann",
                dev.bloop.service.auth.Ceremonies.passkey(BLOOP));
        ok(admin.post("/v1/llm/traces/sess/scores?project_id=" + id, "{\"name\":\"accuracy\",\"value\":0.5}"));
        ok(admin.post("/v1/llm/traces/sess/feedback?project_id=" + id, "{\"value\":-1,\"user_id\":\"ann\"}"));
        assertThat(BLOOP.count("SELECT count(*) FROM llm_scores WHERE project_id = '" + id + "' AND trace_id = 'sess'"))
                .isEqualTo(1);
        assertThat(BLOOP.count("SELECT count(*) FROM llm_feedback WHERE project_id = '" + id + "'")).isEqualTo(1);
        // Without project_id the session works in the default project, which has no such trace.
        refused(admin.post("/v1/llm/traces/sess/scores", "{\"name\":\"accuracy\",\"value\":0.5}"), 404, "id");
        JsonNode summary = WebSessionJson.of(admin.get("/v1/llm/scores/summary?name=accuracy&project_id=" + id));
        assertThat(summary.get("count").asLong()).isEqualTo(1);
        JsonNode budget = WebSessionJson.of(admin.get("/v1/llm/budget?project_id=" + id));
        assertThat(budget.get("project_id").asText()).isEqualTo(id);
    }

    private static final class WebSessionJson {
        static JsonNode of(HttpResponse<String> r) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return Llm.json(r);
        }
    }
}
