package dev.bloop.service.llm.experiment;

import static dev.bloop.service.llm.experiment.ExperimentHttp.call;
import static dev.bloop.service.llm.experiment.ExperimentHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import dev.bloop.service.access.Scope;
import dev.bloop.service.llm.experiment.ExperimentHttp.Project;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end: users assigned through the API send traces tagged with their variant; the comparison
 * finds a difference that is there, none where there is none, refuses verdicts on too little data,
 * and flags a split that does not follow the weights.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ExperimentCompareIT {
    private static final BloopTestApp BLOOP = ExperimentHttp.app();
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final String BASE = "/v1/llm/experiments";
    private static Project p;

    /** What a variant's calls look like: means of the normal draws and every how-many-th user fails. */
    private record Shape(double cost, double latency, double ttft, double tokens, int failEvery) {}

    @BeforeAll
    static void project() {
        p = ExperimentHttp.project(BLOOP, "cmp", Scope.LLM_READ, Scope.LLM_WRITE);
    }

    private static long create(String name, String extra) {
        HttpResponse<String> r = call(BLOOP, "POST", BASE, p.token(), "{\"name\":\"" + name + "\",\"prompt_a\":\"A\","
                + "\"prompt_b\":\"B\",\"primary_metric\":\"cost\"" + extra + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("id").asLong();
    }

    /**
     * Each user asks for their variant twice (once per call, as an app would) and sends one trace per
     * call with values drawn around the variant's shape.
     */
    private static void run(String name, long id, int users, Map<String, Shape> shapes) {
        List<String> traces = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String user = name + "-user-" + u;
            Random random = new Random(u * 7919L + 17);
            for (int call = 0; call < 2; call++) {
                JsonNode a = json(call(BLOOP, "GET", BASE + "/" + id + "/assign?unit=" + user, p.token(), null));
                String variant = a.get("variant").asText();
                Shape s = shapes.get(variant);
                traces.add(trace(name + "-" + u + "-" + call, name, variant, user, s, random, u % s.failEvery() == 0));
            }
        }
        send(traces);
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE project_id = 'cmp' AND experiment = '" + name + "'",
                traces.size());
    }

    private static String trace(String id, String experiment, String variant, String user, Shape s, Random r,
                                boolean error) {
        double cost = Math.max(0.0001, s.cost() + 0.0006 * r.nextGaussian());
        long latency = Math.max(50, Math.round(s.latency() + 150 * r.nextGaussian()));
        long ttft = Math.max(10, Math.round(s.ttft() + 50 * r.nextGaussian()));
        long tokens = Math.max(1, Math.round(s.tokens() + 60 * r.nextGaussian()));
        long start = 1_790_000_000_000L;
        return String.format(Locale.ROOT, "{\"id\":\"%s\",\"experiment\":\"%s\",\"variant\":\"%s\",\"user_id\":\"%s\","
                        + "\"status\":\"%s\",\"started_at\":%d,\"ended_at\":%d,\"spans\":[{\"model\":\"exp-model\","
                        + "\"cost\":%.6f,\"latency_ms\":%d,\"time_to_first_token_ms\":%d,\"output_tokens\":%d}]}",
                id, experiment, variant, user, error ? "error" : "completed", start, start + latency, cost, latency, ttft,
                tokens);
    }

    private static void send(List<String> traces) {
        for (int i = 0; i < traces.size(); i += 50) {
            HttpResponse<String> r = ExperimentHttp.traces(BLOOP, p, traces.subList(i, Math.min(traces.size(), i + 50)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).get("errors")).as(r.body()).isEmpty();
        }
    }

    private static JsonNode compare(long id) {
        HttpResponse<String> r = call(BLOOP, "GET", BASE + "/" + id + "/compare", p.token(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    private static Map<String, JsonNode> byMetric(JsonNode c) {
        Map<String, JsonNode> m = new HashMap<>();
        c.get("comparisons").forEach(x -> m.put(x.get("metric").asText(), x));
        return m;
    }

    @Test
    void aRealDifferenceIsFoundWithTheRightTestPerMetric() {
        long id = create("diff", "");
        run("diff", id, 200, Map.of(
                "a", new Shape(0.0030, 1000, 300, 400, 5),
                "b", new Shape(0.0020, 700, 200, 500, 20)));
        JsonNode c = compare(id);
        JsonNode a = c.get("variants").get(0);
        JsonNode b = c.get("variants").get(1);
        assertThat(a.get("control").asBoolean()).isTrue();
        assertThat(a.get("traces").asLong()).as("two calls per user").isEqualTo(2 * a.get("units").asLong());
        assertThat(a.get("units").asLong() + b.get("units").asLong()).isEqualTo(200);
        assertThat(c.get("excluded").get("units_in_several_variants").asLong()).as("sticky").isZero();
        assertThat(b.get("cost").get("mean").asDouble()).isBetween(0.0018, 0.0022);
        assertThat(b.get("error_rate").get("low").asDouble()).isLessThan(b.get("error_rate").get("rate").asDouble());

        Map<String, JsonNode> m = byMetric(c);
        assertThat(m.keySet()).containsExactlyInAnyOrder("cost", "latency", "ttft", "error_rate", "output_tokens");
        assertThat(m.get("cost").get("test").asText()).isEqualTo("welch_t");
        assertThat(m.get("cost").get("primary").asBoolean()).isTrue();
        assertThat(m.get("cost").get("verdict").asText()).isEqualTo("b_better");
        assertThat(m.get("cost").get("ci_high").asDouble()).isNegative();
        assertThat(m.get("cost").get("n_baseline").asLong()).as("per user, not per call").isEqualTo(a.get("units").asLong());
        assertThat(m.get("latency").get("test").asText()).isEqualTo("mann_whitney_u");
        assertThat(m.get("latency").get("verdict").asText()).isEqualTo("b_better");
        assertThat(m.get("latency").get("difference").asDouble()).as("p95 difference").isBetween(-450.0, -150.0);
        assertThat(m.get("latency").get("ci_high").asDouble()).isNegative();
        assertThat(m.get("ttft").get("verdict").asText()).isEqualTo("b_better");
        assertThat(m.get("error_rate").get("test").asText()).isEqualTo("two_proportion_z");
        assertThat(m.get("error_rate").get("verdict").asText()).isEqualTo("b_better");
        assertThat(m.get("output_tokens").get("verdict").asText()).as("b writes more").isEqualTo("a_better");
        for (JsonNode x : m.values()) {
            assertThat(x.get("p_adjusted").asDouble()).isGreaterThanOrEqualTo(x.get("p_value").asDouble());
            assertThat(x.get("more_needed").isNull()).isTrue();
            assertThat(x.get("explanation").asText()).isNotBlank();
        }
        assertThat(m.get("cost").get("explanation").asText()).startsWith("b has lower mean cost per call than a");
        assertThat(c.get("sample_ratio").get("mismatch").asBoolean()).isFalse();
        // The same data give the same answer (the bootstrap is seeded).
        assertThat(compare(id).get("comparisons")).isEqualTo(c.get("comparisons"));
    }

    @Test
    void noDifferenceIsReportedAsNone() {
        long id = create("same", ",\"min_samples\":50");
        Shape same = new Shape(0.0025, 800, 250, 400, 8);
        run("same", id, 200, Map.of("a", same, "b", same));
        JsonNode c = compare(id);
        for (JsonNode x : c.get("comparisons")) {
            assertThat(x.get("verdict").asText()).as(x.toString()).isEqualTo("no_difference");
            assertThat(x.get("explanation").asText()).startsWith("No difference in");
        }
        assertThat(c.get("sample_ratio").get("mismatch").asBoolean()).isFalse();
        assertThat(c.get("warnings").toString()).doesNotContain("No sample size was fixed");
    }

    @Test
    void tooFewUnitsGiveNoVerdictButHowManyMoreAreNeeded() {
        long id = create("small", "");
        run("small", id, 24, Map.of(
                "a", new Shape(0.0030, 1000, 300, 400, 12),
                "b", new Shape(0.0010, 500, 100, 200, 12)));
        JsonNode c = compare(id);
        for (JsonNode x : c.get("comparisons")) {
            assertThat(x.get("verdict").asText()).as(x.toString()).isEqualTo("not_enough_data");
            long most = Math.max(x.get("n_baseline").asLong(), x.get("n_variant").asLong());
            assertThat(x.get("more_needed").asLong()).as(x.toString())
                    .isGreaterThanOrEqualTo(x.get("minimum").asLong() - most);
            assertThat(x.get("explanation").asText()).contains("more per variant needed");
        }
        Map<String, JsonNode> m = byMetric(c);
        // Even a large difference is no winner below 30 users per arm; the p-value is still shown.
        assertThat(m.get("cost").get("p_value").asDouble()).isLessThan(0.001);
        assertThat(m.get("cost").get("minimum").asLong()).isEqualTo(30);
        assertThat(m.get("error_rate").get("minimum").asLong()).isEqualTo(100);
        assertThat(m.get("error_rate").get("test").asText()).as("few traces: an expected cell under 5")
                .isEqualTo("fisher_exact");
        assertThat(c.get("warnings").toString()).contains("No sample size was fixed");
    }

    @Test
    void aSplitThatIgnoresTheWeightsIsFlagged() {
        long id = create("skewed", "");
        List<String> traces = new ArrayList<>();
        Random r = new Random(3);
        Shape s = new Shape(0.0025, 800, 250, 400, 10);
        // The app ignores the assignment: two users in a for every one in b, against weights 1:1.
        for (int u = 0; u < 300; u++) {
            String variant = u % 3 == 2 ? "b" : "a";
            traces.add(trace("skewed-" + u, "skewed", variant, "skewed-user-" + u, s, r, false));
        }
        send(traces);
        BLOOP.awaitCount("SELECT count(*) FROM llm_traces WHERE project_id = 'cmp' AND experiment = 'skewed'", 300);
        JsonNode c = compare(id);
        JsonNode srm = c.get("sample_ratio");
        assertThat(srm.get("observed").get("a").asLong()).isEqualTo(200);
        assertThat(srm.get("expected").get("a").asDouble()).isEqualTo(150.0);
        assertThat(srm.get("chi_square").asDouble()).isCloseTo(33.33, org.assertj.core.data.Offset.offset(0.01));
        assertThat(srm.get("mismatch").asBoolean()).isTrue();
        assertThat(c.get("warnings").get(0).asText()).startsWith("Sample ratio mismatch");
    }
}
