package dev.bloop.service.llm.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bloop.service.BloopConfiguration;
import dev.bloop.service.BloopTestApp;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real OpenTelemetry Java SDK and its OTLP/HTTP exporter (protobuf), pointed at bloop's OTLP
 * import with a bearer token: an agent span with a chat call and a failing tool call becomes a bloop
 * trace with that tree, the tokens and the cost from the price table; exported to LangSmith it keeps
 * ids, tree and usage.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class JavaOtlpExporterIT {
    private static final BloopTestApp BLOOP = Exchanges.app(Map.of());
    static final DropwizardAppExtension<BloopConfiguration> APP = BLOOP.extension();
    private static final long T0 = Instant.parse("2026-01-15T10:00:00Z").toEpochMilli();

    /** Sends an agent (parent) with a chat and a tool call (children); returns the hex trace id. */
    private static String sendAgentTrace(Exchanges.Project p, String compression, boolean batch) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(BLOOP.url("/v1/otlp/v1/traces"))
                .addHeader("Authorization", "Bearer " + p.token())
                .setCompression(compression)
                .build();
        SpanProcessor processor = batch ? BatchSpanProcessor.builder(exporter).build()
                : SimpleSpanProcessor.create(exporter);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "shop")))
                .addSpanProcessor(processor).build();
        try {
            Tracer tracer = provider.get("shop-agent");
            Span agent = tracer.spanBuilder("invoke_agent shopper").setStartTimestamp(Instant.ofEpochMilli(T0))
                    .setAttribute("gen_ai.operation.name", "invoke_agent")
                    .setAttribute("session.id", "session-7").setAttribute("user.id", "user-3").startSpan();
            Context inAgent = Context.root().with(agent);
            Span chat = tracer.spanBuilder("chat gpt-4o-mini").setParent(inAgent).setSpanKind(SpanKind.CLIENT)
                    .setStartTimestamp(Instant.ofEpochMilli(T0 + 10))
                    .setAttribute("gen_ai.operation.name", "chat")
                    .setAttribute("gen_ai.provider.name", "openai")
                    .setAttribute("gen_ai.request.model", "gpt-4o-mini")
                    .setAttribute("gen_ai.usage.input_tokens", 1000L)
                    .setAttribute("gen_ai.usage.cache_read.input_tokens", 400L)
                    .setAttribute("gen_ai.usage.output_tokens", 200L)
                    .setAttribute("gen_ai.response.time_to_first_chunk", 0.25)
                    .startSpan();
            chat.end(Instant.ofEpochMilli(T0 + 1210));
            Span tool = tracer.spanBuilder("execute_tool lookup").setParent(inAgent)
                    .setStartTimestamp(Instant.ofEpochMilli(T0 + 1300))
                    .setAttribute("gen_ai.operation.name", "execute_tool")
                    .setAttribute("gen_ai.tool.name", "lookup").startSpan();
            tool.setStatus(StatusCode.ERROR, "lookup timed out");
            tool.end(Instant.ofEpochMilli(T0 + 1400));
            agent.end(Instant.ofEpochMilli(T0 + 1500));
            assertThat(provider.forceFlush().join(15, TimeUnit.SECONDS).isSuccess()).as("the exporter's result")
                    .isTrue();
            return agent.getSpanContext().getTraceId();
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode awaitTrace(Exchanges.Project p, String traceId) {
        return Exchanges.await(BLOOP, "/v1/llm/traces/" + traceId, p.token(),
                t -> t.get("spans").size() == 1 && t.get("spans").get(0).get("children").size() == 2
                        && Exchanges.span(t.get("spans"), "invoke_agent shopper") != null);
    }

    private static void assertAgentTrace(JsonNode trace) {
        // Session and user are attributes of the agent span, the trace's name is its name and its window is
        // the agent's, whichever of the spans' requests landed first.
        assertThat(trace.get("session_id").asText()).isEqualTo("session-7");
        assertThat(trace.get("user_id").asText()).isEqualTo("user-3");
        assertThat(trace.get("name").asText()).isEqualTo("invoke_agent shopper");
        assertThat(trace.get("started_at").asLong()).isEqualTo(T0);
        assertThat(trace.get("ended_at").asLong()).isEqualTo(T0 + 1500);
        JsonNode agent = trace.get("spans").get(0);
        assertThat(agent.get("name").asText()).isEqualTo("invoke_agent shopper");
        assertThat(agent.get("span_type").asText()).isEqualTo("custom");
        JsonNode chat = Exchanges.span(trace.get("spans"), "chat gpt-4o-mini");
        assertThat(chat.get("parent_span_id").asText()).isEqualTo(agent.get("id").asText());
        assertThat(chat.get("span_type").asText()).isEqualTo("generation");
        assertThat(chat.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(chat.get("provider").asText()).isEqualTo("openai");
        assertThat(chat.get("latency_ms").asLong()).isEqualTo(1200);
        assertThat(chat.get("time_to_first_token_ms").asLong()).isEqualTo(250);
        // gen_ai.usage.input_tokens counts cached tokens too: 600 uncached + 400 cache reads.
        assertThat(chat.get("tokens").get("input_total").asLong()).isEqualTo(1000);
        assertThat(chat.get("tokens").get("cache_read").asLong()).isEqualTo(400);
        assertThat(chat.get("tokens").get("input_uncached").asLong()).isEqualTo(600);
        assertThat(chat.get("tokens").get("output").asLong()).isEqualTo(200);
        // gpt-4o-mini: $0.15/M input, $0.075/M cache read, $0.60/M output: 600·0.15 + 400·0.075 + 200·0.6 = 240 µ$.
        assertThat(chat.get("cost").decimalValue()).isEqualByComparingTo(new BigDecimal("0.00024"));
        assertThat(chat.get("cost_source").asText()).isEqualTo("computed");
        JsonNode tool = Exchanges.span(trace.get("spans"), "execute_tool lookup");
        assertThat(tool.get("span_type").asText()).isEqualTo("tool");
        assertThat(tool.get("status").asText()).isEqualTo("error");
        assertThat(tool.get("error_message").asText()).isEqualTo("lookup timed out");
        assertThat(tool.get("parent_span_id").asText()).isEqualTo(agent.get("id").asText());
    }

    @ParameterizedTest(name = "compression {0}")
    @ValueSource(strings = {"gzip", "none"})
    void theJavaExporterSpansBecomeOneTraceWithItsTreeTokensAndCost(String compression) {
        Exchanges.Project p = Exchanges.project(BLOOP, "java" + compression);
        String traceId = sendAgentTrace(p, compression, true);
        assertAgentTrace(awaitTrace(p, traceId));
    }

    @Test
    void spansSentOneRequestEachChildrenFirstStillMakeTheTree() {
        Exchanges.Project p = Exchanges.project(BLOOP, "javasimple");
        String traceId = sendAgentTrace(p, "none", false);
        // Each span is its own request and they may be handled in any order: wait for the whole tree, not
        // for the first state that has the agent in it.
        JsonNode trace = awaitTrace(p, traceId);
        assertAgentTrace(trace);
        assertThat(trace.get("spans")).hasSize(1);
        assertThat(Exchanges.span(trace.get("spans"), dev.bloop.service.llm.TraceIntake.PLACEHOLDER)).isNull();
    }

    @Test
    void otlpInLangSmithOutKeepsIdsTreeAndUsage() {
        Exchanges.Project p = Exchanges.project(BLOOP, "roundtrip");
        String traceId = sendAgentTrace(p, "gzip", true);
        JsonNode trace = awaitTrace(p, traceId);
        var answer = Exchanges.get(BLOOP, "/v1/llm/export/langsmith?hours=720", p.token());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Total-Count")).contains("1");
        JsonNode export = Exchanges.json(answer.body());
        JsonNode runs = export.get("runs");
        assertThat(runs).hasSize(4);
        Map<String, JsonNode> byName = new HashMap<>();
        runs.forEach(r -> byName.put(r.get("name").asText(), r));
        String rootId = LangSmithRuns.v5(LangSmithRuns.NAMESPACE, p.id() + "\u0000" + traceId).toString();
        JsonNode root = runs.get(0);
        assertThat(root.get("id").asText()).isEqualTo(rootId);
        assertThat(root.get("run_type").asText()).isEqualTo("chain");
        assertThat(root.get("extra").get("metadata").get("bloop_trace_id").asText()).isEqualTo(traceId);
        assertThat(root.get("extra").get("metadata").get("session_id").asText()).isEqualTo("session-7");
        JsonNode agent = byName.get("invoke_agent shopper");
        JsonNode chat = byName.get("chat gpt-4o-mini");
        JsonNode tool = byName.get("execute_tool lookup");
        String agentSpanId = trace.get("spans").get(0).get("id").asText();
        assertThat(agent.get("id").asText()).isEqualTo(LangSmithRuns.v5(LangSmithRuns.NAMESPACE,
                p.id() + "\u0000" + traceId + "\u0000" + agentSpanId).toString());
        assertThat(agent.get("parent_run_id").asText()).isEqualTo(rootId);
        assertThat(chat.get("parent_run_id").asText()).isEqualTo(agent.get("id").asText());
        assertThat(tool.get("parent_run_id").asText()).isEqualTo(agent.get("id").asText());
        for (JsonNode r : runs) {
            assertThat(r.get("trace_id").asText()).isEqualTo(rootId);
            assertThat(r.get("id").asText().charAt(14)).as("UUID version").isEqualTo('5');
        }
        assertThat(chat.get("dotted_order").asText()).isEqualTo("20260115T100000000000Z" + rootId
                + ".20260115T100000000000Z" + agent.get("id").asText()
                + ".20260115T100000010000Z" + chat.get("id").asText());
        assertThat(chat.get("run_type").asText()).isEqualTo("llm");
        assertThat(chat.get("start_time").asText()).isEqualTo("2026-01-15T10:00:00.010000Z");
        assertThat(chat.get("end_time").asText()).isEqualTo("2026-01-15T10:00:01.210000Z");
        JsonNode usage = chat.get("outputs").get("usage_metadata");
        assertThat(usage.get("input_tokens").asLong()).isEqualTo(1000);
        assertThat(usage.get("output_tokens").asLong()).isEqualTo(200);
        assertThat(usage.get("total_tokens").asLong()).isEqualTo(1200);
        assertThat(usage.get("input_token_details").get("cache_read").asLong()).isEqualTo(400);
        assertThat(usage.get("total_cost").decimalValue()).isEqualByComparingTo("0.00024");
        JsonNode meta = chat.get("extra").get("metadata");
        assertThat(meta.get("ls_provider").asText()).isEqualTo("openai");
        assertThat(meta.get("ls_model_name").asText()).isEqualTo("gpt-4o-mini");
        assertThat(meta.get("bloop_ttft_ms").asLong()).isEqualTo(250);
        assertThat(chat.get("events").get(0).get("name").asText()).isEqualTo("new_token");
        assertThat(chat.get("events").get(0).get("time").asText()).isEqualTo("2026-01-15T10:00:00.260000Z");
        assertThat(tool.get("run_type").asText()).isEqualTo("tool");
        assertThat(tool.get("error").asText()).isEqualTo("lookup timed out");
        // The same runs, the same ids, on every export.
        JsonNode again = Exchanges.json(Exchanges.get(BLOOP, "/v1/llm/export/langsmith?hours=720", p.token()).body());
        List<String> ids = new ArrayList<>();
        runs.forEach(r -> ids.add(r.get("id").asText()));
        List<String> idsAgain = new ArrayList<>();
        again.get("runs").forEach(r -> idsAgain.add(r.get("id").asText()));
        assertThat(idsAgain).isEqualTo(ids);
    }
}
