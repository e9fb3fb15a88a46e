package dev.bloop.service.llm.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP/JSON ({@code application/json}) into the same protobuf messages as the binary encoding, by the
 * OTLP rules that differ from protobuf's generic JSON mapping: trace and span ids are hex (any case),
 * not base64; enums are numbers; 64-bit integers are decimal strings (numbers are accepted too).
 * Unknown fields are ignored, as the OTLP spec requires. Snake_case keys are read too (some
 * exporters' protobuf JSON printers use them). Anything of the wrong shape is refused with its path.
 */
final class OtlpJson {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final int MAX_DEPTH = 64;

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    }

    private OtlpJson() {
    }

    static ExportTraceServiceRequest parse(byte[] body, int length) throws OtlpProblem {
        JsonNode root;
        try {
            root = JSON.readTree(body, 0, length);
        } catch (IOException e) {
            throw new OtlpProblem("the body is not valid JSON: " + firstLine(e.getMessage()), null);
        }
        if (root == null || root.isMissingNode()) {
            return ExportTraceServiceRequest.getDefaultInstance();
        }
        if (!root.isObject()) {
            throw new OtlpProblem("the body must be a JSON object (ExportTraceServiceRequest)", null);
        }
        if (root.has("resourceLogs") || root.has("resourceMetrics")) {
            throw new OtlpProblem("this is an OTLP " + (root.has("resourceLogs") ? "logs" : "metrics")
                    + " request; this endpoint takes traces (resourceSpans)", root.has("resourceLogs")
                    ? "resourceLogs" : "resourceMetrics");
        }
        ExportTraceServiceRequest.Builder out = ExportTraceServiceRequest.newBuilder();
        JsonNode list = field(root, "resourceSpans", "resource_spans");
        for (int i = 0; i < size(list, "resourceSpans"); i++) {
            out.addResourceSpans(resourceSpans(list.get(i), "resourceSpans[" + i + "]"));
        }
        return out.build();
    }

    private static ResourceSpans resourceSpans(JsonNode node, String at) throws OtlpProblem {
        object(node, at);
        ResourceSpans.Builder rs = ResourceSpans.newBuilder();
        JsonNode resource = field(node, "resource", "resource");
        if (resource != null && !resource.isNull()) {
            object(resource, at + ".resource");
            Resource.Builder r = Resource.newBuilder();
            attributes(field(resource, "attributes", "attributes"), at + ".resource.attributes").forEach(r::addAttributes);
            rs.setResource(r);
        }
        JsonNode scopes = field(node, "scopeSpans", "scope_spans");
        for (int i = 0; i < size(scopes, at + ".scopeSpans"); i++) {
            rs.addScopeSpans(scopeSpans(scopes.get(i), at + ".scopeSpans[" + i + "]"));
        }
        return rs.build();
    }

    private static ScopeSpans scopeSpans(JsonNode node, String at) throws OtlpProblem {
        object(node, at);
        ScopeSpans.Builder ss = ScopeSpans.newBuilder();
        JsonNode scope = field(node, "scope", "scope");
        if (scope != null && !scope.isNull()) {
            object(scope, at + ".scope");
            InstrumentationScope.Builder s = InstrumentationScope.newBuilder();
            s.setName(text(field(scope, "name", "name"), at + ".scope.name"));
            s.setVersion(text(field(scope, "version", "version"), at + ".scope.version"));
            ss.setScope(s);
        }
        JsonNode spans = field(node, "spans", "spans");
        for (int i = 0; i < size(spans, at + ".spans"); i++) {
            ss.addSpans(span(spans.get(i), at + ".spans[" + i + "]"));
        }
        return ss.build();
    }

    private static Span span(JsonNode node, String at) throws OtlpProblem {
        object(node, at);
        Span.Builder s = Span.newBuilder();
        s.setTraceId(id(field(node, "traceId", "trace_id"), 16, at + ".traceId"));
        s.setSpanId(id(field(node, "spanId", "span_id"), 8, at + ".spanId"));
        JsonNode parent = field(node, "parentSpanId", "parent_span_id");
        if (parent != null && !parent.isNull() && !parent.asText().isEmpty()) {
            s.setParentSpanId(id(parent, 8, at + ".parentSpanId"));
        }
        s.setName(text(field(node, "name", "name"), at + ".name"));
        s.setKindValue((int) integer(field(node, "kind", "kind"), at + ".kind"));
        s.setStartTimeUnixNano(integer(field(node, "startTimeUnixNano", "start_time_unix_nano"),
                at + ".startTimeUnixNano"));
        s.setEndTimeUnixNano(integer(field(node, "endTimeUnixNano", "end_time_unix_nano"), at + ".endTimeUnixNano"));
        attributes(field(node, "attributes", "attributes"), at + ".attributes").forEach(s::addAttributes);
        JsonNode events = field(node, "events", "events");
        for (int i = 0; i < size(events, at + ".events"); i++) {
            JsonNode e = events.get(i);
            String eAt = at + ".events[" + i + "]";
            object(e, eAt);
            Span.Event.Builder ev = Span.Event.newBuilder()
                    .setName(text(field(e, "name", "name"), eAt + ".name"))
                    .setTimeUnixNano(integer(field(e, "timeUnixNano", "time_unix_nano"), eAt + ".timeUnixNano"));
            attributes(field(e, "attributes", "attributes"), eAt + ".attributes").forEach(ev::addAttributes);
            s.addEvents(ev);
        }
        JsonNode status = field(node, "status", "status");
        if (status != null && !status.isNull()) {
            object(status, at + ".status");
            s.setStatus(Status.newBuilder()
                    .setCodeValue((int) integer(field(status, "code", "code"), at + ".status.code"))
                    .setMessage(text(field(status, "message", "message"), at + ".status.message")));
        }
        return s.build();
    }

    private static java.util.List<KeyValue> attributes(JsonNode list, String at) throws OtlpProblem {
        java.util.List<KeyValue> out = new java.util.ArrayList<>();
        for (int i = 0; i < size(list, at); i++) {
            JsonNode kv = list.get(i);
            String kvAt = at + "[" + i + "]";
            object(kv, kvAt);
            out.add(KeyValue.newBuilder().setKey(text(field(kv, "key", "key"), kvAt + ".key"))
                    .setValue(value(field(kv, "value", "value"), kvAt + ".value")).build());
        }
        return out;
    }

    private static AnyValue value(JsonNode v, String at) throws OtlpProblem {
        if (v == null || v.isNull()) {
            return AnyValue.getDefaultInstance();
        }
        object(v, at);
        JsonNode x;
        if ((x = field(v, "stringValue", "string_value")) != null) {
            return AnyValue.newBuilder().setStringValue(text(x, at + ".stringValue")).build();
        }
        if ((x = field(v, "boolValue", "bool_value")) != null) {
            if (!x.isBoolean()) {
                throw new OtlpProblem(at + ".boolValue must be true or false", at + ".boolValue");
            }
            return AnyValue.newBuilder().setBoolValue(x.booleanValue()).build();
        }
        if ((x = field(v, "intValue", "int_value")) != null) {
            return AnyValue.newBuilder().setIntValue(integer(x, at + ".intValue")).build();
        }
        if ((x = field(v, "doubleValue", "double_value")) != null) {
            if (x.isNumber() || (x.isTextual() && x.asText().matches("-?(Infinity|NaN)"))) {
                return AnyValue.newBuilder().setDoubleValue(x.isNumber() ? x.doubleValue()
                        : Double.parseDouble(x.asText())).build();
            }
            throw new OtlpProblem(at + ".doubleValue must be a number", at + ".doubleValue");
        }
        if ((x = field(v, "arrayValue", "array_value")) != null) {
            object(x, at + ".arrayValue");
            ArrayValue.Builder a = ArrayValue.newBuilder();
            JsonNode values = field(x, "values", "values");
            for (int i = 0; i < size(values, at + ".arrayValue.values"); i++) {
                a.addValues(value(values.get(i), at + ".arrayValue.values[" + i + "]"));
            }
            return AnyValue.newBuilder().setArrayValue(a).build();
        }
        if ((x = field(v, "kvlistValue", "kvlist_value")) != null) {
            object(x, at + ".kvlistValue");
            KeyValueList.Builder l = KeyValueList.newBuilder();
            attributes(field(x, "values", "values"), at + ".kvlistValue.values").forEach(l::addValues);
            return AnyValue.newBuilder().setKvlistValue(l).build();
        }
        if ((x = field(v, "bytesValue", "bytes_value")) != null) {
            try {
                return AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(Base64.getDecoder()
                        .decode(text(x, at + ".bytesValue")))).build();
            } catch (IllegalArgumentException e) {
                throw new OtlpProblem(at + ".bytesValue must be base64", at + ".bytesValue");
            }
        }
        return AnyValue.getDefaultInstance();
    }

    /**
     * A trace (16 bytes) or span (8 bytes) id: hex per OTLP/JSON; base64 of the right length is also
     * accepted, as some exporters print protobuf's generic JSON.
     */
    static ByteString id(JsonNode node, int bytes, String at) throws OtlpProblem {
        String s = node == null || node.isNull() ? "" : node.isTextual() ? node.asText() : null;
        if (s == null) {
            throw new OtlpProblem(at + " must be a hex string", at);
        }
        if (s.length() == bytes * 2) {
            try {
                return ByteString.copyFrom(HexFormat.of().parseHex(s.toLowerCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException notHex) {
                // fall through to the message below
            }
        }
        int base64Length = (bytes + 2) / 3 * 4;
        if (s.length() == base64Length) {
            try {
                byte[] b = Base64.getDecoder().decode(s);
                if (b.length == bytes) {
                    return ByteString.copyFrom(b);
                }
            } catch (IllegalArgumentException notBase64) {
                // the message below
            }
        }
        throw new OtlpProblem(at + " must be " + (bytes * 2) + " hex characters", at);
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode v = node.get(camel);
        return v != null ? v : node.get(snake);
    }

    private static int size(JsonNode list, String at) throws OtlpProblem {
        if (list == null || list.isNull()) {
            return 0;
        }
        if (!list.isArray()) {
            throw new OtlpProblem(at + " must be an array", at);
        }
        return list.size();
    }

    private static void object(JsonNode node, String at) throws OtlpProblem {
        if (node == null || !node.isObject()) {
            throw new OtlpProblem(at + " must be an object", at);
        }
    }

    private static String text(JsonNode node, String at) throws OtlpProblem {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new OtlpProblem(at + " must be a string", at);
        }
        return node.asText();
    }

    /** int64/uint64/enum: a decimal string or a whole number. */
    private static long integer(JsonNode node, String at) throws OtlpProblem {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText());
            } catch (NumberFormatException e) {
                try {
                    return Long.parseUnsignedLong(node.asText());
                } catch (NumberFormatException e2) {
                    throw new OtlpProblem(at + " must be a whole number (as a decimal string)", at);
                }
            }
        }
        throw new OtlpProblem(at + " must be a whole number (as a decimal string)", at);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
