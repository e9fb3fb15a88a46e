package dev.bloop.service.llm.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bloop.api.llm.SpanIn;
import dev.bloop.api.llm.TraceIn;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * OTLP spans into bloop traces: spans are grouped by their OTel trace id (the bloop trace id is its
 * hex), and each becomes a bloop span by the OpenTelemetry GenAI conventions, reading the current
 * attribute names first and the older ones (≤ 1.36: {@code gen_ai.system},
 * {@code gen_ai.usage.prompt_tokens}) and OpenInference/OpenLLMetry's after them. Input token counts
 * include cached tokens (the GenAI convention); when the cache counts exceed the input count the
 * instrumentation used Anthropic's additive counting, and the input is taken as uncached. Prices are
 * applied by the writer as for any trace, unless the span carries its own cost.
 */
final class OtlpMapping {
    /** A request's traces, and the spans left out (over the per-trace cap) with why. */
    record Mapped(List<TraceIn> traces, List<Integer> spanCounts, int rejectedSpans, List<String> problems) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_TEXT = 200;
    private static final Set<String> GENERATION_OPERATIONS = Set.of("chat", "text_completion", "generate_content",
            "embeddings", "completion", "embedding");
    /** Attributes read into span fields or content: not repeated in its metadata. */
    private static final Set<String> CONSUMED = Set.of("gen_ai.request.model", "gen_ai.response.model",
            "gen_ai.provider.name", "gen_ai.system", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
            "gen_ai.usage.prompt_tokens", "gen_ai.usage.completion_tokens", "gen_ai.usage.cache_read.input_tokens",
            "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.cost",
            "gen_ai.response.time_to_first_chunk", "session.id", "gen_ai.conversation.id", "user.id", "enduser.id",
            "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.prompt",
            "gen_ai.completion", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "llm.model_name",
            "llm.token_count.prompt", "llm.token_count.completion", "llm.cost.total", "input.value", "output.value");

    private final ObjectMapper json;
    private final int maxSpansPerTrace;
    private final int maxMetadataBytes;

    OtlpMapping(ObjectMapper json, int maxSpansPerTrace, int maxMetadataBytes) {
        this.json = json;
        this.maxSpansPerTrace = maxSpansPerTrace;
        this.maxMetadataBytes = maxMetadataBytes;
    }

    /** A span with what it inherits from its resource and scope. */
    private record Flat(Span span, Map<String, AnyValue> attrs, Map<String, AnyValue> resource, String scope) {
    }

    Mapped map(ExportTraceServiceRequest request) {
        Map<String, List<Flat>> byTrace = new LinkedHashMap<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Map<String, AnyValue> resource = attrs(rs.getResource().getAttributesList());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    byTrace.computeIfAbsent(hex(s.getTraceId().toByteArray()), k -> new ArrayList<>())
                            .add(new Flat(s, attrs(s.getAttributesList()), resource, ss.getScope().getName()));
                }
            }
        }
        List<TraceIn> traces = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int rejected = 0;
        for (Map.Entry<String, List<Flat>> e : byTrace.entrySet()) {
            List<Flat> spans = e.getValue();
            spans.sort(Comparator.comparingLong(f -> f.span().getStartTimeUnixNano()));
            if (spans.size() > maxSpansPerTrace) {
                int over = spans.size() - maxSpansPerTrace;
                rejected += over;
                problems.add("trace " + e.getKey() + " has " + spans.size() + " spans in this request; at most "
                        + maxSpansPerTrace + " per trace, the last " + over + " to start were left out");
                spans = spans.subList(0, maxSpansPerTrace);
            }
            if (e.getKey().length() != 32) {
                rejected += spans.size();
                problems.add("spans without a 16-byte trace id were left out");
                continue;
            }
            traces.add(trace(e.getKey(), spans));
            counts.add(spans.size());
        }
        return new Mapped(traces, counts, rejected, problems);
    }

    private TraceIn trace(String traceId, List<Flat> flats) {
        List<SpanIn> spans = new ArrayList<>(flats.size());
        Flat root = null;
        String session = null;
        String user = null;
        long start = Long.MAX_VALUE;
        long end = 0;
        for (Flat f : flats) {
            spans.add(span(f));
            if (f.span().getParentSpanId().isEmpty() && root == null) {
                root = f;
            }
            session = session != null ? session : first(f, "session.id", "gen_ai.conversation.id",
                    "langfuse.session.id", "traceloop.association.properties.session_id");
            user = user != null ? user : first(f, "user.id", "enduser.id", "langfuse.user.id");
            start = Math.min(start, ms(f.span().getStartTimeUnixNano()));
            end = Math.max(end, ms(f.span().getEndTimeUnixNano()));
        }
        String promptName = null;
        String promptVersion = null;
        String experiment = null;
        String variant = null;
        for (Flat f : flats) {
            promptName = promptName != null ? promptName : first(f, "gen_ai.prompt.name", "langfuse.prompt.name");
            promptVersion = promptVersion != null ? promptVersion
                    : first(f, "gen_ai.prompt.version", "langfuse.prompt.version");
            experiment = experiment != null ? experiment : first(f, "bloop.experiment");
            variant = variant != null ? variant : first(f, "bloop.variant");
        }
        boolean failed = root != null && root.span().getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
        String name = root != null ? root.span().getName() : flats.get(0).span().getName();
        return new TraceIn(traceId, cut(session), cut(user), cut(name), failed ? "error" : "completed", null, null,
                null, start == Long.MAX_VALUE || start == 0 ? null : start, end == 0 ? null : Math.max(end, start),
                spans, cut(promptName), promptVersion == null ? null : NODES.textNode(cut(promptVersion)),
                cut(experiment), cut(variant));
    }

    private SpanIn span(Flat f) {
        Span s = f.span();
        Map<String, AnyValue> a = f.attrs();
        String type = type(a);
        boolean generation = type.equals("generation");
        String model = cut(first(f, "gen_ai.response.model", "gen_ai.request.model", "llm.model_name",
                "llm.response.model", "llm.request.model"));
        String provider = cut(first(f, "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"));
        Long input = number(a, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt",
                "llm.usage.prompt_tokens");
        Long cacheRead = number(a, "gen_ai.usage.cache_read.input_tokens", "llm.token_count.prompt_details.cache_read");
        Long cacheWrite = number(a, "gen_ai.usage.cache_creation.input_tokens",
                "llm.token_count.prompt_details.cache_write");
        Long output = number(a, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens",
                "llm.token_count.completion", "llm.usage.completion_tokens");
        Long reasoning = number(a, "gen_ai.usage.reasoning.output_tokens",
                "llm.token_count.completion_details.reasoning");
        long cached = (cacheRead == null ? 0 : cacheRead) + (cacheWrite == null ? 0 : cacheWrite);
        Long inputTotal = input;
        Long inputUncached = null;
        if (input != null && cached > input) {
            // Anthropic-style counting: input_tokens left the cache out.
            inputTotal = null;
            inputUncached = input;
        }
        if (reasoning != null && output != null && reasoning > output) {
            reasoning = null;
        }
        BigDecimal cost = decimal(a, "gen_ai.usage.cost", "llm.cost.total");
        Double ttftSecs = real(a, "gen_ai.response.time_to_first_chunk");
        Long ttft = ttftSecs == null || ttftSecs < 0 ? null : Math.round(ttftSecs * 1000);
        boolean error = s.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
        String message = !error ? null : !s.getStatus().getMessage().isEmpty() ? s.getStatus().getMessage()
                : first(f, "error.type", "exception.message");
        if (error && message == null) {
            message = exceptionMessage(s);
        }
        long startMs = ms(s.getStartTimeUnixNano());
        long endMs = ms(s.getEndTimeUnixNano());
        return new SpanIn(hex(s.getSpanId().toByteArray()),
                s.getParentSpanId().isEmpty() ? null : hex(s.getParentSpanId().toByteArray()), type,
                cut(s.getName()), model, provider, generation || inputTotal != null ? inputTotal : null,
                output, inputUncached, cacheRead, cacheWrite, null, reasoning, cost, null, ttft,
                error ? "error" : "ok", message, input(f, type), output(f, type), metadata(f),
                startMs == 0 ? null : startMs, endMs == 0 || endMs < startMs ? null : endMs);
    }

    /** The span type, by the precedence of the conventions. */
    private static String type(Map<String, AnyValue> a) {
        String op = text(a.get("gen_ai.operation.name"));
        if (op != null) {
            op = op.toLowerCase(Locale.ROOT);
            if (GENERATION_OPERATIONS.contains(op)) {
                return "generation";
            }
            if (op.equals("execute_tool")) {
                return "tool";
            }
            if (op.equals("retrieval")) {
                return "retrieval";
            }
        }
        String kind = text(a.get("openinference.span.kind"));
        if (kind == null) {
            kind = text(a.get("traceloop.span.kind"));
        }
        if (kind == null) {
            kind = text(a.get("langfuse.observation.type"));
        }
        if (kind != null) {
            switch (kind.toLowerCase(Locale.ROOT)) {
                case "llm", "generation", "embedding" -> {
                    return "generation";
                }
                case "tool" -> {
                    return "tool";
                }
                case "retriever", "retrieval" -> {
                    return "retrieval";
                }
                default -> {
                    return "custom";
                }
            }
        }
        if (a.containsKey("llm.request.type")) {
            return "generation";
        }
        if (a.containsKey("gen_ai.tool.name")) {
            return "tool";
        }
        if (op == null && (a.containsKey("gen_ai.request.model") || a.containsKey("gen_ai.response.model")
                || a.containsKey("gen_ai.usage.input_tokens") || a.containsKey("gen_ai.usage.output_tokens"))) {
            return "generation";
        }
        return "custom";
    }

    /** Prompt content: the structured messages, else the older attributes and events; the validator drops it unless the project keeps content. */
    private JsonNode input(Flat f, String type) {
        Map<String, AnyValue> a = f.attrs();
        if (type.equals("tool")) {
            return content(a.get("gen_ai.tool.call.arguments"));
        }
        JsonNode messages = content(a.get("gen_ai.input.messages"));
        JsonNode system = content(a.get("gen_ai.system_instructions"));
        if (messages == null) {
            messages = content(a.get("gen_ai.prompt"));
        }
        if (messages == null) {
            messages = content(a.get("input.value"));
        }
        if (messages == null) {
            messages = fromEvents(f.span(), "gen_ai.input.messages", "gen_ai.prompt");
        }
        if (system == null) {
            return messages;
        }
        ObjectNode both = NODES.objectNode();
        both.set("system_instructions", system);
        if (messages != null) {
            both.set("messages", messages);
        }
        return both;
    }

    private JsonNode output(Flat f, String type) {
        Map<String, AnyValue> a = f.attrs();
        if (type.equals("tool")) {
            return content(a.get("gen_ai.tool.call.result"));
        }
        JsonNode out = content(a.get("gen_ai.output.messages"));
        if (out == null) {
            out = content(a.get("gen_ai.completion"));
        }
        if (out == null) {
            out = content(a.get("output.value"));
        }
        return out != null ? out : fromEvents(f.span(), "gen_ai.output.messages", "gen_ai.completion");
    }

    /** Content carried by span events (the older convention, and the inference-details event). */
    private JsonNode fromEvents(Span s, String... keys) {
        for (Span.Event e : s.getEventsList()) {
            Map<String, AnyValue> ea = attrs(e.getAttributesList());
            for (String k : keys) {
                JsonNode v = content(ea.get(k));
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    /** A JSON-string attribute as its JSON, any other as its JSON form. */
    private JsonNode content(AnyValue v) {
        if (v == null) {
            return null;
        }
        if (v.hasStringValue()) {
            String s = v.getStringValue();
            String t = s.stripLeading();
            if (t.startsWith("{") || t.startsWith("[")) {
                try {
                    return json.readTree(s);
                } catch (JsonProcessingException notJson) {
                    return NODES.textNode(s);
                }
            }
            return NODES.textNode(s);
        }
        return node(v);
    }

    /** The span's other attributes, its kind and scope, and the service; over the cap, only the last three. */
    private JsonNode metadata(Flat f) {
        ObjectNode m = NODES.objectNode();
        f.attrs().forEach((k, v) -> {
            if (!CONSUMED.contains(k)) {
                m.set(k, node(v));
            }
        });
        ObjectNode small = NODES.objectNode();
        small.put("otel.span_kind", f.span().getKind().name().replace("SPAN_KIND_", "").toLowerCase(Locale.ROOT));
        if (!f.scope().isEmpty()) {
            small.put("otel.scope", f.scope());
        }
        String service = text(f.resource().get("service.name"));
        if (service != null) {
            small.put("service.name", service);
        }
        m.setAll(small);
        try {
            if (json.writeValueAsBytes(m).length <= maxMetadataBytes) {
                return m;
            }
        } catch (JsonProcessingException e) {
            // fall back to the small form
        }
        small.put("otel.attributes_dropped", f.attrs().size());
        return small;
    }

    private static JsonNode node(AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> {
                return NODES.textNode(v.getStringValue());
            }
            case BOOL_VALUE -> {
                return NODES.booleanNode(v.getBoolValue());
            }
            case INT_VALUE -> {
                return NODES.numberNode(v.getIntValue());
            }
            case DOUBLE_VALUE -> {
                double d = v.getDoubleValue();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
            }
            case ARRAY_VALUE -> {
                ArrayNode arr = NODES.arrayNode();
                v.getArrayValue().getValuesList().forEach(x -> arr.add(node(x)));
                return arr;
            }
            case KVLIST_VALUE -> {
                ObjectNode o = NODES.objectNode();
                v.getKvlistValue().getValuesList().forEach(kv -> o.set(kv.getKey(), node(kv.getValue())));
                return o;
            }
            case BYTES_VALUE -> {
                return NODES.textNode(java.util.Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()));
            }
            default -> {
                return NODES.nullNode();
            }
        }
    }

    private static String exceptionMessage(Span s) {
        for (Span.Event e : s.getEventsList()) {
            if (e.getName().equals("exception")) {
                String m = text(attrs(e.getAttributesList()).get("exception.message"));
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    private static Map<String, AnyValue> attrs(List<KeyValue> list) {
        Map<String, AnyValue> m = new HashMap<>();
        for (KeyValue kv : list) {
            m.putIfAbsent(kv.getKey(), kv.getValue());
        }
        return m;
    }

    /** The first of these attributes of the span, then of its resource, as text. */
    private static String first(Flat f, String... keys) {
        for (String k : keys) {
            String v = text(f.attrs().get(k));
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        for (String k : keys) {
            String v = text(f.resource().get(k));
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static String text(AnyValue v) {
        if (v == null) {
            return null;
        }
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> null;
        };
    }

    /** A token count: an int attribute, or a whole number as a double or a string; negatives are ignored. */
    private static Long number(Map<String, AnyValue> a, String... keys) {
        for (String k : keys) {
            AnyValue v = a.get(k);
            if (v == null) {
                continue;
            }
            Long n = switch (v.getValueCase()) {
                case INT_VALUE -> v.getIntValue();
                case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue()) ? Math.round(v.getDoubleValue()) : null;
                case STRING_VALUE -> {
                    try {
                        yield Long.parseLong(v.getStringValue().trim());
                    } catch (NumberFormatException e) {
                        yield null;
                    }
                }
                default -> null;
            };
            if (n != null && n >= 0) {
                return n;
            }
        }
        return null;
    }

    private static Double real(Map<String, AnyValue> a, String key) {
        AnyValue v = a.get(key);
        if (v == null) {
            return null;
        }
        return switch (v.getValueCase()) {
            case DOUBLE_VALUE -> Double.isFinite(v.getDoubleValue()) ? v.getDoubleValue() : null;
            case INT_VALUE -> (double) v.getIntValue();
            default -> null;
        };
    }

    private static BigDecimal decimal(Map<String, AnyValue> a, String... keys) {
        for (String k : keys) {
            Double d = real(a, k);
            if (d != null && d >= 0) {
                return BigDecimal.valueOf(d);
            }
        }
        return null;
    }

    private static long ms(long nanos) {
        return nanos <= 0 ? 0 : nanos / 1_000_000L;
    }

    private static String cut(String s) {
        if (s == null) {
            return null;
        }
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
