package dev.bloop.service.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bloop.api.llm.TraceBatch;
import dev.bloop.api.llm.TraceIn;
import dev.bloop.api.llm.TraceUpdate;
import dev.bloop.service.ingest.InvalidEvent;
import dev.bloop.service.ingest.JsonProblems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Strict JSON decoding of trace ingest bodies (the same rules as error events): unknown fields,
 * duplicate keys and type coercions are refused with the field named.
 */
final class TraceDecoder {
    private final JsonMapper mapper = strict();
    private final ObjectReader traceReader = mapper.readerFor(TraceIn.class);
    private final ObjectReader batchReader = mapper.readerFor(TraceBatch.class);
    private final ObjectReader updateReader = mapper.readerFor(TraceUpdate.class);

    private static JsonMapper strict() {
        JsonMapper m = JsonProblems.strictMapper();
        // Costs are decimals: 0.0025 must stay 0.0025, also when read through a tree.
        m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        return m;
    }

    JsonMapper mapper() {
        return mapper;
    }

    TraceIn single(byte[] body, int length) throws InvalidEvent {
        requireObject(body, length);
        try {
            return traceReader.readValue(body, 0, length);
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable body", null);
        }
    }

    TraceUpdate update(byte[] body, int length) throws InvalidEvent {
        requireObject(body, length);
        try {
            return updateReader.readValue(body, 0, length);
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable body", null);
        }
    }

    /**
     * The whole batch bound in one pass, or null when anything in it does not bind; the caller then
     * takes the per-element path, which reports each problem by index.
     */
    List<TraceIn> wholeBatch(byte[] body, int length) {
        try {
            TraceBatch batch = batchReader.readValue(body, 0, length);
            if (batch == null || batch.traces() == null || batch.traces().contains(null)) {
                return null;
            }
            return batch.traces();
        } catch (IOException e) {
            return null;
        }
    }

    /** The elements of {@code {"traces": [...]}}, each decoded on its own later so that errors stay per index. */
    List<JsonNode> batch(byte[] body, int length, int maxTraces) throws InvalidEvent {
        requireObject(body, length);
        JsonNode root;
        try {
            root = mapper.readTree(mapper.getFactory().createParser(body, 0, length));
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable body", null);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("traces")) {
                throw new InvalidEvent("unknown field '" + name + "'", name);
            }
        }
        JsonNode traces = root.get("traces");
        if (traces == null || traces.isNull()) {
            throw new InvalidEvent("traces is required", "traces");
        }
        if (!traces.isArray()) {
            throw new InvalidEvent("traces must be an array", "traces");
        }
        if (traces.size() > maxTraces) {
            throw new InvalidEvent("batch exceeds max size of " + maxTraces + " traces", "traces");
        }
        List<JsonNode> out = new ArrayList<>(traces.size());
        traces.forEach(out::add);
        return out;
    }

    TraceIn element(JsonNode node) throws InvalidEvent {
        if (!node.isObject()) {
            throw new InvalidEvent("each trace must be a JSON object", null);
        }
        try {
            return traceReader.readValue(node);
        } catch (JsonProcessingException e) {
            throw JsonProblems.describe(e);
        } catch (IOException e) {
            throw new InvalidEvent("unreadable trace", null);
        }
    }

    private static void requireObject(byte[] body, int length) throws InvalidEvent {
        for (int i = 0; i < length; i++) {
            byte b = body[i];
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            if (b == '{') {
                return;
            }
            throw new InvalidEvent("request body must be a JSON object", null);
        }
        throw new InvalidEvent("request body is empty", null);
    }
}
