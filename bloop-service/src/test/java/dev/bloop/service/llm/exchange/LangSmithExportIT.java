package dev.bloop.service.llm.exchange;

import dev.bloop.service.NpmTestProject;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.api.Signatures;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/llm/export/langsmith}: a trace with three levels of spans becomes a LangSmith run tree
 * (root chain run, UUIDv5 ids, trace_id, parent_run_id, dotted_order, usage with LangSmith's
 * total-input semantics, TTFT as a new_token event, errors), as JSON, JSONL or a runs/batch body, a page
 * at a time, of the caller's project only and with content only as its policy allows; and the runs
 * type-check against the langsmith package's run types and match its own dotted_order helper.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LangSmithExportIT {
    private static final BloopTestApp BLOOP = Exchanges.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final long T0 = Instant.parse("2026-02-01T08:30:15.123Z").toEpochMilli();

    private static String trace(String id) {
        return """
                {"id":"%s","name":"checkout","session_id":"s-9","user_id":"u-9","input":"buy socks","output":"done",
                 "started_at":%d,"ended_at":%d,"status":"completed","metadata":{"shop":"eu"},
                 "spans":[
                  {"id":"plan","span_type":"custom","name":"plan","started_at":%d,"ended_at":%d},
                  {"id":"call","parent_span_id":"plan","span_type":"generation","name":"claude call",
                   "model":"claude-sonnet-4","provider":"anthropic","input_uncached_tokens":100,
                   "cache_read_tokens":1000,"cache_write_tokens":200,"output_tokens":50,"reasoning_tokens":10,
                   "time_to_first_token_ms":300,"started_at":%d,"ended_at":%d,
                   "input":[{"role":"user","content":"buy socks"}],"output":{"role":"assistant","content":"ok"}},
                  {"id":"search","parent_span_id":"call","span_type":"retrieval","name":"search",
                   "started_at":%d,"ended_at":%d,"status":"error","error_message":"index down"},
                  {"id":"pay","parent_span_id":"plan","span_type":"tool","name":"pay","started_at":%d,"ended_at":%d}
                 ]}
                """.formatted(id, T0, T0 + 3000, T0 + 1, T0 + 2500, T0 + 2, T0 + 1002, T0 + 1003, T0 + 1100,
                T0 + 1200, T0 + 1300);
    }

    private static void send(Exchanges.Project p, String body) {
        HttpResponse<String> r = BLOOP.post("/v1/traces", body, Map.of("Content-Type", "application/json",
                "X-Project-Key", p.key(), "X-Signature", Signatures.sign(p.secret(), body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static void contentStorage(Exchanges.Project p, String storage) {
        HttpResponse<String> r = BloopTestApp.send(HttpRequest.newBuilder(URI.create(BLOOP.url("/v1/llm/settings")))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + p.token())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"content_storage\":\"" + storage + "\"}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** A project (content kept in full) with the three-level trace stored. */
    private static Exchanges.Project projectWithTrace(String prefix, String storage, String... ids) {
        Exchanges.Project p = Exchanges.project(BLOOP, prefix);
        contentStorage(p, storage);
        for (String id : ids) {
            send(p, trace(id));
            Exchanges.await(BLOOP, "/v1/llm/traces/" + id, p.token(), t -> t.get("span_count").asInt() == 4);
        }
        return p;
    }

    private static JsonNode export(Exchanges.Project p, String query) {
        HttpResponse<String> r = Exchanges.get(BLOOP, "/v1/llm/export/langsmith" + query, p.token());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Exchanges.json(r.body());
    }

    @Test
    void aTraceWithThreeLevelsBecomesARunTreeWithLangSmithsFields() {
        Exchanges.Project p = projectWithTrace("tree", "full", "order-42");
        JsonNode runs = export(p, "").get("runs");
        assertThat(runs).hasSize(5);
        Map<String, JsonNode> byName = new HashMap<>();
        runs.forEach(r -> byName.put(r.get("name").asText(), r));
        JsonNode root = runs.get(0);
        String rootId = root.get("id").asText();
        assertThat(rootId).matches("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(root.get("name").asText()).isEqualTo("checkout");
        assertThat(root.get("run_type").asText()).isEqualTo("chain");
        assertThat(root.get("trace_id").asText()).isEqualTo(rootId);
        assertThat(root.has("parent_run_id")).isFalse();
        assertThat(root.get("start_time").asText()).isEqualTo("2026-02-01T08:30:15.123000Z");
        assertThat(root.get("end_time").asText()).isEqualTo("2026-02-01T08:30:18.123000Z");
        assertThat(root.get("dotted_order").asText()).isEqualTo("20260201T083015123000Z" + rootId);
        assertThat(root.get("inputs").get("input").asText()).isEqualTo("buy socks");
        assertThat(root.get("outputs").get("output").asText()).isEqualTo("done");
        assertThat(root.get("extra").get("metadata").get("session_id").asText()).isEqualTo("s-9");
        assertThat(root.get("extra").get("metadata").get("bloop_metadata").get("shop").asText()).isEqualTo("eu");

        JsonNode plan = byName.get("plan");
        JsonNode call = byName.get("claude call");
        JsonNode search = byName.get("search");
        JsonNode pay = byName.get("pay");
        assertThat(plan.get("run_type").asText()).isEqualTo("chain");
        assertThat(call.get("run_type").asText()).isEqualTo("llm");
        assertThat(search.get("run_type").asText()).isEqualTo("retriever");
        assertThat(pay.get("run_type").asText()).isEqualTo("tool");
        assertThat(plan.get("parent_run_id").asText()).isEqualTo(rootId);
        assertThat(call.get("parent_run_id").asText()).isEqualTo(plan.get("id").asText());
        assertThat(search.get("parent_run_id").asText()).isEqualTo(call.get("id").asText());
        assertThat(pay.get("parent_run_id").asText()).isEqualTo(plan.get("id").asText());
        runs.forEach(r -> assertThat(r.get("trace_id").asText()).isEqualTo(rootId));
        assertThat(search.get("dotted_order").asText()).isEqualTo("20260201T083015123000Z" + rootId
                + ".20260201T083015124000Z" + plan.get("id").asText()
                + ".20260201T083015125000Z" + call.get("id").asText()
                + ".20260201T083016126000Z" + search.get("id").asText());
        // Parents come before their children, so the runs can be posted in this order.
        List<String> order = new java.util.ArrayList<>();
        runs.forEach(r -> order.add(r.get("name").asText()));
        assertThat(order.indexOf("claude call")).isLessThan(order.indexOf("search"));

        JsonNode usage = call.get("outputs").get("usage_metadata");
        // LangSmith's input_tokens counts every input token: 100 uncached + 1000 cache reads + 200 cache writes.
        assertThat(usage.get("input_tokens").asLong()).isEqualTo(1300);
        assertThat(usage.get("output_tokens").asLong()).isEqualTo(50);
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(1350);
        assertThat(usage.get("input_token_details").get("cache_read").asLong()).isEqualTo(1000);
        assertThat(usage.get("input_token_details").get("cache_creation").asLong()).isEqualTo(200);
        assertThat(usage.get("output_token_details").get("reasoning").asLong()).isEqualTo(10);
        // 100 × $3/M + 1000 × $0.30/M + 200 × $3.75/M + 50 × $15/M = $0.0021
        assertThat(usage.get("total_cost").decimalValue()).isEqualByComparingTo("0.0021");
        assertThat(call.get("outputs").get("content").asText()).isEqualTo("ok");
        assertThat(call.get("inputs").get("messages").get(0).get("content").asText()).isEqualTo("buy socks");
        JsonNode meta = call.get("extra").get("metadata");
        assertThat(meta.get("ls_provider").asText()).isEqualTo("anthropic");
        assertThat(meta.get("ls_model_name").asText()).isEqualTo("claude-sonnet-4");
        assertThat(meta.get("bloop_cost_usd").decimalValue()).isEqualByComparingTo("0.0021");
        assertThat(meta.get("bloop_ttft_ms").asLong()).isEqualTo(300);
        assertThat(call.get("events").get(0).get("name").asText()).isEqualTo("new_token");
        assertThat(call.get("events").get(0).get("time").asText()).isEqualTo("2026-02-01T08:30:15.425000Z");
        assertThat(search.get("error").asText()).isEqualTo("index down");
        assertThat(call.has("error")).isFalse();
    }

    @Test
    void jsonlAndTheRunsBatchBodyCarryTheSameRuns() {
        Exchanges.Project p = projectWithTrace("formats", "full", "f-1");
        JsonNode runs = export(p, "?format=json").get("runs");
        HttpResponse<String> jsonl = Exchanges.get(BLOOP, "/v1/llm/export/langsmith?format=jsonl", p.token());
        assertThat(jsonl.statusCode()).isEqualTo(200);
        assertThat(jsonl.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        String[] lines = jsonl.body().split("\n");
        assertThat(lines).hasSize(runs.size());
        for (int i = 0; i < lines.length; i++) {
            assertThat(Exchanges.json(lines[i])).isEqualTo(runs.get(i));
        }
        JsonNode batch = export(p, "?format=batch");
        assertThat(batch.size()).isEqualTo(1);
        assertThat(batch.get("post")).isEqualTo(runs);
    }

    @Test
    void pagesByLimitAndCursorOverTheCallersProjectOnly() {
        Exchanges.Project p = projectWithTrace("pages", "none", "a-1", "a-2");
        HttpResponse<String> first = Exchanges.get(BLOOP, "/v1/llm/export/langsmith?limit=1", p.token());
        assertThat(first.headers().firstValue("X-Total-Count")).contains("2");
        String cursor = first.headers().firstValue("X-Next-Cursor").orElseThrow();
        JsonNode one = Exchanges.json(first.body());
        assertThat(one.get("traces").asInt()).isEqualTo(1);
        assertThat(one.get("runs").get(0).get("extra").get("metadata").get("bloop_trace_id").asText())
                .isEqualTo("a-2");
        JsonNode two = export(p, "?limit=1&cursor=" + cursor);
        assertThat(two.get("runs").get(0).get("extra").get("metadata").get("bloop_trace_id").asText())
                .isEqualTo("a-1");
        assertThat(export(p, "?limit=1&offset=1").get("runs")).isEqualTo(two.get("runs"));
        // Without content storage, no prompt, completion or metadata leaves bloop; usage still does.
        JsonNode call = null;
        for (JsonNode r : two.get("runs")) {
            assertThat(r.get("inputs").size()).isZero();
            assertThat(r.get("extra").get("metadata").has("bloop_metadata")).isFalse();
            if (r.get("run_type").asText().equals("llm")) {
                call = r;
            }
        }
        assertThat(call.get("outputs").fieldNames()).toIterable().containsExactly("usage_metadata");
        // Another project's token sees none of it, whatever project_id it names.
        Exchanges.Project other = Exchanges.project(BLOOP, "pages-other");
        JsonNode theirs = export(other, "?project_id=" + p.id());
        assertThat(theirs.get("runs")).isEmpty();
    }

    @Test
    void badParametersAre400NamingTheParameter() {
        Exchanges.Project p = Exchanges.project(BLOOP, "params");
        for (String[] c : new String[][] {{"format=xml", "format"}, {"hours=721", "hours"}, {"limit=0", "limit"},
                {"limit=201", "limit"}, {"cursor=abc", "cursor"}, {"offset=-1", "offset"}}) {
            HttpResponse<String> r = Exchanges.get(BLOOP, "/v1/llm/export/langsmith?" + c[0], p.token());
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(Exchanges.json(r.body()).get("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
        String writeOnly = BLOOP.token("w", p.id(), dev.bloop.service.access.Scope.LLM_WRITE);
        assertThat(Exchanges.get(BLOOP, "/v1/llm/export/langsmith", writeOnly).statusCode()).isEqualTo(403);
    }

    @Test
    void theRunsTypeCheckAgainstTheLangsmithPackagesRunTypes() throws Exception {
        Path npm = ExchangeClients.npmProject();
        Exchanges.Project p = projectWithTrace("types", "full", "ts-1");
        String runs = export(p, "").get("runs").toPrettyString();
        String batch = export(p, "?format=batch").toPrettyString();
        Files.writeString(npm.resolve("runs.ts"), """
                // Written by LangSmithExportIT: bloop's export as a fixture, checked against langsmith's own types.
                import type { RunCreate, RunType, UsageMetadata } from "langsmith/schemas";

                type ExportedRun = RunCreate & {
                  run_type: RunType;
                  outputs?: { usage_metadata?: UsageMetadata; [key: string]: unknown };
                };

                export const runs: ExportedRun[] = %s;

                export const batch: { post: RunCreate[] } = %s;
                """.formatted(runs, batch), StandardCharsets.UTF_8);
        ExchangeClients.run(npm, 180, "node", "node_modules/typescript/bin/tsc", "--noEmit", "-p", "tsconfig.json");
        // And a field LangSmith's types do not have is caught: the check can fail.
        Files.writeString(npm.resolve("runs.ts"), Files.readString(npm.resolve("runs.ts"))
                .replaceFirst("\"run_type\"", "\"not_a_field\": 1, \"run_type\""), StandardCharsets.UTF_8);
        NpmTestProject.Result wrong = ExchangeClients.tryRun(npm, 180, "node", "node_modules/typescript/bin/tsc",
                "--noEmit", "-p", "tsconfig.json");
        assertThat(wrong.exit()).as(wrong.out()).isNotZero();
        assertThat(wrong.out()).contains("not_a_field");
    }

    @Test
    void everyDottedOrderEqualsTheLangsmithPackagesOwnHelper() throws Exception {
        Path npm = ExchangeClients.npmProject();
        Exchanges.Project p = projectWithTrace("dotted", "none", "d-1", "d-2");
        Files.writeString(npm.resolve("runs.json"), export(p, "").get("runs").toString(), StandardCharsets.UTF_8);
        JsonNode result = Exchanges.json(ExchangeClients.run(npm, 60, "node", "dotted-order.mjs", "runs.json").strip());
        assertThat(result.get("checked").asInt()).isEqualTo(10);
        assertThat(result.get("wrong")).isEmpty();
    }
}
